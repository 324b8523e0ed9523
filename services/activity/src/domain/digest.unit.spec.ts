import { describe, expect, it } from 'vitest';
import { ada, at, bob, cyd } from '../fixtures.js';
import { buildDigests, compileDigests, type DigestPorts } from './digest.js';
import type { FeedEntry } from './feed-entry.js';
import type { Member } from './member.js';

function member(workspaceId: string, who: { userId: string; name: string }, email?: string) {
  return {
    workspaceId,
    workspaceName: `Space ${workspaceId}`,
    userId: who.userId,
    name: who.name,
    ...(email && { email }),
    since: at(0),
  } satisfies Member;
}

function entry(eventId: string, workspaceId: string, actor: { userId: string }, minute: number) {
  return {
    eventId,
    workspaceId,
    type: 'task.created',
    actor: { userId: actor.userId, name: actor.userId },
    summary: `entry ${eventId}`,
    at: at(minute),
  } satisfies FeedEntry;
}

const ids = (entries: readonly FeedEntry[]) => entries.map((e) => e.eventId);

describe('buildDigests', () => {
  it('gives each member what others did in their workspaces, oldest first, never their own', () => {
    const members = [member('w1', ada, ada.email), member('w1', bob), member('w1', cyd)];
    const entries = [
      entry('e3', 'w1', bob, 30),
      entry('e1', 'w1', ada, 10),
      entry('e2', 'w1', cyd, 20),
    ];

    const digests = buildDigests(members, entries);

    expect(
      digests.map((d) => [d.recipient.userId, d.workspaces.map((w) => ids(w.entries))]),
    ).toEqual([
      ['u-ada', [['e2', 'e3']]],
      ['u-bob', [['e1', 'e2']]],
      ['u-cyd', [['e1', 'e3']]],
    ]);
    expect(digests[0]).toMatchObject({
      recipient: { userId: 'u-ada', name: 'Ada', email: 'ada@example.test' },
      workspaces: [{ workspaceId: 'w1', name: 'Space w1' }],
    });
  });

  it('gives nothing to a member whose workspaces saw only their own activity', () => {
    const digests = buildDigests(
      [member('w1', ada), member('w2', bob)],
      [entry('e1', 'w1', ada, 1), entry('e2', 'w2', bob, 2)],
    );

    expect(digests).toEqual([]);
  });

  it('groups a member’s workspaces into one digest, by workspace name, leaving out quiet ones', () => {
    const members = [
      { ...member('w2', ada), workspaceName: 'Beta' },
      { ...member('w1', ada), workspaceName: 'Alpha' },
      { ...member('w3', ada), workspaceName: 'Gamma' },
    ];
    const entries = [
      entry('e1', 'w2', bob, 1),
      entry('e2', 'w1', cyd, 2),
      entry('e3', 'w3', ada, 3),
    ];

    const [digest, ...others] = buildDigests(members, entries);

    expect(others).toEqual([]);
    expect(digest?.workspaces.map((w) => [w.name, ids(w.entries)])).toEqual([
      ['Alpha', ['e2']],
      ['Beta', ['e1']],
    ]);
  });

  it('never shows a member entries of a workspace they do not belong to', () => {
    const digests = buildDigests(
      [member('w1', ada)],
      [entry('e1', 'w1', bob, 1), entry('e2', 'w-other', bob, 2)],
    );

    expect(digests.flatMap((d) => d.workspaces.flatMap((w) => ids(w.entries)))).toEqual(['e1']);
  });

  it('addresses a member by the membership that knows their e-mail', () => {
    const [digest] = buildDigests(
      [member('w1', ada), member('w2', ada, ada.email)],
      [entry('e1', 'w1', bob, 1)],
    );

    expect(digest?.recipient).toEqual({ userId: 'u-ada', name: 'Ada', email: 'ada@example.test' });
  });

  it('leaves the e-mail out when no event told it', () => {
    const [digest] = buildDigests([member('w1', ada)], [entry('e1', 'w1', bob, 1)]);

    expect(digest?.recipient).toEqual({ userId: 'u-ada', name: 'Ada' });
  });
});

describe('compileDigests', () => {
  function portsWith(entries: FeedEntry[], members: Member[]) {
    const asked: { window?: [Date, Date]; workspaces?: readonly string[] } = {};
    const ports: DigestPorts = {
      feed: {
        between: async (since: Date, until: Date) => {
          asked.window = [since, until];
          return entries.filter((e) => e.at >= since && e.at < until);
        },
      },
      members: {
        ofWorkspaces: async (workspaceIds: readonly string[]) => {
          asked.workspaces = workspaceIds;
          return members.filter((m) => workspaceIds.includes(m.workspaceId));
        },
      },
    };
    return { ports, asked };
  }

  it('reads the window’s entries and the members of just those workspaces', async () => {
    const { ports, asked } = portsWith(
      [entry('e1', 'w1', bob, 5), entry('e2', 'w2', bob, 6), entry('late', 'w3', bob, 50)],
      [member('w1', ada), member('w2', cyd), member('w3', ada)],
    );

    const digests = await compileDigests(at(0), at(30), ports);

    expect(asked.window).toEqual([at(0), at(30)]);
    expect([...(asked.workspaces ?? [])].sort()).toEqual(['w1', 'w2']);
    expect(
      digests.map((d) => [d.recipient.userId, d.workspaces.map((w) => w.workspaceId)]),
    ).toEqual([
      ['u-ada', ['w1']],
      ['u-cyd', ['w2']],
    ]);
  });

  it('refuses an empty or reversed window', async () => {
    const { ports } = portsWith([], []);

    await expect(compileDigests(at(5), at(5), ports)).rejects.toThrow(RangeError);
    await expect(compileDigests(at(6), at(5), ports)).rejects.toThrow(/empty digest window/);
  });
});
