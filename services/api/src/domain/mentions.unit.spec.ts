import { describe, expect, it } from 'vitest';
import { maxMentions, mentionCandidates, mentionedHandles, resolveMentions } from './mentions.js';
import type { Person } from './user.js';

const person = (handle: string, userId = `id-${handle}`): Person => ({
  userId,
  handle,
  email: `${handle}@example.test`,
  name: handle.toUpperCase(),
});
const ada = person('ada');
const bob = person('bob');
const grace = person('grace.h');
const members = [ada, bob, grace];

describe('mentionCandidates', () => {
  it('lists each handle as written and without trailing punctuation, each once', () => {
    expect(mentionCandidates('@Ada. and @bob-- and @ada')).toEqual(['ada.', 'ada', 'bob--', 'bob']);
    expect(mentionCandidates('no one')).toEqual([]);
  });
});

describe('mentionedHandles', () => {
  it('finds @handles case-insensitively, each once, in order of first appearance', () => {
    expect(mentionedHandles('@Bob and @ada, then @BOB again (@ada)')).toEqual(['bob', 'ada']);
  });

  it('ignores the @ inside e-mail addresses and after other word characters', () => {
    expect(mentionedHandles('mail a@b.com or ada@example.com; x@@bob; me+@bob')).toEqual([]);
  });

  it('takes 2-32 handle characters and nothing longer or shorter', () => {
    expect(mentionedHandles(`@a @${'x'.repeat(32)} @${'y'.repeat(33)}`)).toEqual(['x'.repeat(32)]);
  });
});

describe('resolveMentions', () => {
  it('resolves members, ignoring unknown handles, the author and repeats', () => {
    const body = '@ada @bob @nobody @me @ada @Bob';
    const author = person('me', 'author');
    expect(resolveMentions(body, [...members, author], 'author')).toEqual([ada, bob]);
  });

  it('does not mention the author even when they mention themselves', () => {
    expect(resolveMentions('note to self @ada', members, ada.userId)).toEqual([]);
  });

  it('reads "@ada." at the end of a sentence as ada, and keeps dots inside handles', () => {
    expect(resolveMentions('Thanks @ada. Ask @grace.h.', members, 'x')).toEqual([ada, grace]);
  });

  it('never resolves an e-mail address, even one that contains a handle', () => {
    expect(resolveMentions('write to bob@ada.com', members, 'x')).toEqual([]);
  });

  it(`stops at ${maxMentions} people, the contract's bound`, () => {
    const many = Array.from({ length: maxMentions + 5 }, (_, i) => person(`user${i}`));
    const body = many.map((p) => `@${p.handle}`).join(' ');
    const found = resolveMentions(body, many, 'x');
    expect(found).toHaveLength(maxMentions);
    expect(found[0]).toEqual(many[0]);
  });

  it(`looks up at most ${maxMentions} handles (each as written and unpunctuated), however many are written`, () => {
    const body = Array.from({ length: 5_000 }, (_, i) => `@user${i}.`).join(' ');
    expect(mentionedHandles(body)).toHaveLength(maxMentions);
    expect(mentionCandidates(body)).toHaveLength(2 * maxMentions);
  });
});
