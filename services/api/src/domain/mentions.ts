import type { Person } from './user.js';

/**
 * `@handle` where the `@` does not continue a word, so `ada@example.com` mentions nobody. A handle
 * is 2-32 of [a-z0-9_.-], matched case-insensitively; a longer run is not a handle at all.
 */
const mention = /(?<![\p{L}\p{N}_.%+@-])@([a-z0-9_.-]{2,32})(?![a-z0-9_.-])/giu;

/** The most mentions one comment resolves (the `comment.created` contract's bound). */
export const maxMentions = 100;

/**
 * Lower-cased handles as written, first appearance first, each once, at most `maxMentions`: the
 * cap applies before any lookup, so one comment cannot fan out into thousands of member reads.
 */
export function mentionedHandles(body: string): string[] {
  const handles = new Set<string>();
  for (const match of body.matchAll(mention)) {
    if (match[1]) handles.add(match[1].toLowerCase());
    if (handles.size === maxMentions) break;
  }
  return [...handles];
}

/** "@ada." at the end of a sentence: the handle without the punctuation that may follow it. */
function withoutTrailingPunctuation(handle: string): string {
  return handle.replace(/[.-]+$/, '');
}

/** Every handle `resolveMentions` may look a member up by: each as written and as unpunctuated. */
export function mentionCandidates(body: string): string[] {
  return [...new Set(mentionedHandles(body).flatMap((h) => [h, withoutTrailingPunctuation(h)]))];
}

/**
 * The workspace members a comment mentions: unknown handles and the author are ignored, and a person
 * mentioned twice is listed once. "@ada." at the end of a sentence means ada when no member's
 * handle is "ada." itself.
 */
export function resolveMentions(
  body: string,
  members: Iterable<Person>,
  authorId: string,
): Person[] {
  const byHandle = new Map<string, Person>();
  for (const member of members) byHandle.set(member.handle.toLowerCase(), member);
  const found = new Map<string, Person>();
  for (const handle of mentionedHandles(body)) {
    const person = byHandle.get(handle) ?? byHandle.get(withoutTrailingPunctuation(handle));
    if (person && person.userId !== authorId) found.set(person.userId, person);
    if (found.size === maxMentions) break;
  }
  return [...found.values()];
}
