import { describe, expect, it } from 'vitest';
import { ada, at, bob, cyd } from '../fixtures.js';
import { digestEntriesPerWorkspace, digestWorkspacesPerRecipient } from '@herald/contracts';
import { compileDigests, type DigestPorts } from './digest.js';
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

/** In-memory ports over these entries and memberships, recording which workspaces were read. */
function portsWith(entries: readonly FeedEntry[], members: readonly Member[]) {
  const read: string[] = [];
  const ports: DigestPorts = {
    feed: {
      async *window(workspaceId: string, since: Date, until: Date) {
        read.push(workspaceId);
        yield* entries
          .filter((e) => e.workspaceId === workspaceId && e.at >= since && e.at < until)
          .sort((a, b) => a.at.getTime() - b.at.getTime());
      },
    },
    members: {
      ofUsers: async (userIds: readonly string[]) =>
        members.filter((m) => userIds.includes(m.userId)),
    },
  };
  return { ports, read };
}

const day = { since: at(0), until: at(60) };
const everyone = [ada.userId, bob.userId, cyd.userId];

async function digestsOf(
  members: readonly Member[],
  entries: readonly FeedEntry[],
  userIds = everyone,
) {
  return compileDigests(userIds, day, portsWith(entries, members).ports);
}

describe('compileDigests', () => {
  it('gives each member what others did in their workspaces, oldest first, never their own', async () => {
    const members = [member('w1', ada, ada.email), member('w1', bob), member('w1', cyd)];
    const entries = [
      entry('e3', 'w1', bob, 30),
      entry('e1', 'w1', ada, 10),
      entry('e2', 'w1', cyd, 20),
    ];

    const digests = await digestsOf(members, entries);

    expect(
      digests.map((d) => [d.recipient.userId, d.workspaces.map((w) => ids(w.entries))]),
    ).toEqual([
      ['u-ada', [['e2', 'e3']]],
      ['u-bob', [['e1', 'e2']]],
      ['u-cyd', [['e1', 'e3']]],
    ]);
    expect(digests[0]).toMatchObject({
      recipient: { userId: 'u-ada', name: 'Ada', email: 'ada@example.test' },
      workspaces: [{ workspaceId: 'w1', name: 'Space w1', more: 0 }],
      moreWorkspaces: 0,
    });
  });

  it('gives nothing to a member whose workspaces saw only their own activity', async () => {
    const digests = await digestsOf(
      [member('w1', ada), member('w2', bob)],
      [entry('e1', 'w1', ada, 1), entry('e2', 'w2', bob, 2)],
    );

    expect(digests).toEqual([]);
  });

  it('groups a member’s workspaces into one digest, by workspace name, leaving out quiet ones', async () => {
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

    const [digest, ...others] = await digestsOf(members, entries);

    expect(others).toEqual([]);
    expect(digest?.workspaces.map((w) => [w.name, ids(w.entries)])).toEqual([
      ['Alpha', ['e2']],
      ['Beta', ['e1']],
    ]);
  });

  it('never shows a member entries of a workspace they do not belong to', async () => {
    const digests = await digestsOf(
      [member('w1', ada)],
      [entry('e1', 'w1', bob, 1), entry('e2', 'w-other', bob, 2)],
    );

    expect(digests.flatMap((d) => d.workspaces.flatMap((w) => ids(w.entries)))).toEqual(['e1']);
  });

  it('addresses a member by the membership that knows their e-mail', async () => {
    const [digest] = await digestsOf(
      [member('w1', ada), member('w2', ada, ada.email)],
      [entry('e1', 'w1', bob, 1)],
    );

    expect(digest?.recipient).toEqual({ userId: 'u-ada', name: 'Ada', email: 'ada@example.test' });
  });

  it('leaves the e-mail out when no event told it', async () => {
    const [digest] = await digestsOf([member('w1', ada)], [entry('e1', 'w1', bob, 1)]);

    expect(digest?.recipient).toEqual({ userId: 'u-ada', name: 'Ada' });
  });

  it('compiles only the users asked for, reading each of their workspaces once', async () => {
    const members = [member('w1', ada), member('w1', cyd), member('w2', cyd), member('w3', bob)];
    const entries = [
      entry('e1', 'w1', bob, 5),
      entry('e2', 'w2', bob, 6),
      entry('e3', 'w3', ada, 7),
    ];
    const { ports, read } = portsWith(entries, members);

    const digests = await compileDigests([ada.userId, cyd.userId], day, ports);

    expect(read.sort()).toEqual(['w1', 'w2']);
    expect(digests.map((d) => d.recipient.userId)).toEqual(['u-ada', 'u-cyd']);
  });

  it('keeps the window: entries before or at its end are left out', async () => {
    const digests = await compileDigests(
      [ada.userId],
      { since: at(10), until: at(20) },
      portsWith(
        [entry('early', 'w1', bob, 9), entry('in', 'w1', bob, 10), entry('end', 'w1', bob, 20)],
        [member('w1', ada)],
      ).ports,
    );

    expect(digests.flatMap((d) => d.workspaces.flatMap((w) => ids(w.entries)))).toEqual(['in']);
  });

  it('lists the first entries of a busy workspace and counts the rest', async () => {
    const entries = Array.from({ length: digestEntriesPerWorkspace + 7 }, (_, i) =>
      entry(`e${String(i).padStart(3, '0')}`, 'w1', bob, i % 60),
    );

    const [digest] = await digestsOf([member('w1', ada)], entries, [ada.userId]);

    expect(digest?.workspaces[0]?.entries).toHaveLength(digestEntriesPerWorkspace);
    expect(digest?.workspaces[0]?.more).toBe(7);
  });

  it('lists the first workspaces by name and counts the rest', async () => {
    const count = digestWorkspacesPerRecipient + 3;
    const members = Array.from({ length: count }, (_, i) => ({
      ...member(`w${i}`, ada),
      workspaceName: `Space ${String(i).padStart(2, '0')}`,
    }));
    const entries = members.map((m, i) => entry(`e${i}`, m.workspaceId, bob, 1));

    const [digest] = await digestsOf(members, entries, [ada.userId]);

    expect(digest?.workspaces).toHaveLength(digestWorkspacesPerRecipient);
    expect(digest?.workspaces[0]?.name).toBe('Space 00');
    expect(digest?.moreWorkspaces).toBe(3);
  });

  it('refuses an empty or reversed window', async () => {
    const { ports } = portsWith([], []);

    await expect(compileDigests([], { since: at(5), until: at(5) }, ports)).rejects.toThrow(
      RangeError,
    );
    await expect(compileDigests([], { since: at(6), until: at(5) }, ports)).rejects.toThrow(
      /empty digest window/,
    );
  });
});
