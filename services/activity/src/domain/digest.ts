import { digestEntriesPerWorkspace, digestWorkspacesPerRecipient } from '@herald/contracts';
import type { FeedEntry } from './feed-entry.js';
import type { Member } from './member.js';
import type { FeedStore, MemberStore } from './ports.js';

/** Who a digest goes to. The e-mail is missing when no event has told us it yet. */
export interface DigestRecipient {
  readonly userId: string;
  readonly name: string;
  readonly email?: string;
}

export interface WorkspaceDigest {
  readonly workspaceId: string;
  readonly name: string;
  /** Oldest first; never empty; at most `digestEntriesPerWorkspace`. */
  readonly entries: readonly FeedEntry[];
  /** Entries of the period beyond those listed. */
  readonly more: number;
}

/** One member's activity of a period: what others did in the workspaces they belong to. */
export interface Digest {
  readonly recipient: DigestRecipient;
  /** Ordered by workspace name; never empty; at most `digestWorkspacesPerRecipient`. */
  readonly workspaces: readonly WorkspaceDigest[];
  /** Workspaces with news beyond those listed. */
  readonly moreWorkspaces: number;
}

/** The record to address a member by: one that carries an e-mail if any does. */
function recipientOf(memberships: readonly Member[]): DigestRecipient | undefined {
  const best = memberships.find((m) => m.email !== undefined) ?? memberships[0];
  if (!best) return undefined;
  return { userId: best.userId, name: best.name, ...(best.email && { email: best.email }) };
}

function byName(a: WorkspaceDigest, b: WorkspaceDigest): number {
  return a.name.localeCompare(b.name) || (a.workspaceId < b.workspaceId ? -1 : 1);
}

/** What compiling digests reads. */
export interface DigestPorts {
  readonly feed: Pick<FeedStore, 'window'>;
  readonly members: Pick<MemberStore, 'ofUsers'>;
}

/**
 * The digests of `userIds` for the window since <= at < until, leaving out what each did
 * themselves. Reads workspace by workspace, each entry once however many of the users belong
 * there, and keeps only what the digests will show (the first entries and a count of the rest),
 * so memory grows with the users and their workspaces, never with a day's activity. Users with
 * nothing to read get no digest.
 */
export async function compileDigests(
  userIds: readonly string[],
  window: { readonly since: Date; readonly until: Date },
  ports: DigestPorts,
): Promise<Digest[]> {
  const { since, until } = window;
  if (!(since.getTime() < until.getTime())) {
    throw new RangeError(`empty digest window: ${since.toISOString()} .. ${until.toISOString()}`);
  }
  const memberships = await ports.members.ofUsers(userIds);
  const byWorkspace = new Map<string, Member[]>();
  const byUser = new Map<string, Member[]>();
  const add = (groups: Map<string, Member[]>, key: string, m: Member) => {
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  };
  for (const m of memberships) {
    add(byWorkspace, m.workspaceId, m);
    add(byUser, m.userId, m);
  }
  /** Per user, per workspace: the entries kept and how many more there were. */
  const kept = new Map<string, Map<string, { entries: FeedEntry[]; more: number }>>();
  for (const [workspaceId, members] of byWorkspace) {
    for await (const entry of ports.feed.window(workspaceId, since, until)) {
      for (const { userId } of members) {
        if (entry.actor.userId === userId) continue;
        const own = kept.get(userId) ?? new Map<string, { entries: FeedEntry[]; more: number }>();
        kept.set(userId, own);
        const part = own.get(workspaceId) ?? { entries: [], more: 0 };
        own.set(workspaceId, part);
        if (part.entries.length < digestEntriesPerWorkspace) part.entries.push(entry);
        else part.more++;
      }
    }
  }
  const digests: Digest[] = [];
  for (const [userId, parts] of kept) {
    const recipient = recipientOf(byUser.get(userId) ?? []);
    if (!recipient) continue;
    const names = new Map((byUser.get(userId) ?? []).map((m) => [m.workspaceId, m.workspaceName]));
    const workspaces = [...parts]
      .map(([workspaceId, part]) => ({ workspaceId, name: names.get(workspaceId) ?? '', ...part }))
      .sort(byName);
    digests.push({
      recipient,
      workspaces: workspaces.slice(0, digestWorkspacesPerRecipient),
      moreWorkspaces: Math.max(0, workspaces.length - digestWorkspacesPerRecipient),
    });
  }
  return digests.sort((a, b) => (a.recipient.userId < b.recipient.userId ? -1 : 1));
}
