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
  /** Oldest first; never empty. */
  readonly entries: readonly FeedEntry[];
}

/** One member's activity of a period: what others did in the workspaces they belong to. */
export interface Digest {
  readonly recipient: DigestRecipient;
  /** Ordered by workspace name; never empty. */
  readonly workspaces: readonly WorkspaceDigest[];
}

function chronological(a: FeedEntry, b: FeedEntry): number {
  return a.at.getTime() - b.at.getTime() || (a.eventId < b.eventId ? -1 : 1);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The record to address a member by: one that carries an e-mail if any does. */
function recipientOf(memberships: readonly Member[]): DigestRecipient | undefined {
  const best = memberships.find((m) => m.email !== undefined) ?? memberships[0];
  if (!best) return undefined;
  return { userId: best.userId, name: best.name, ...(best.email && { email: best.email }) };
}

/**
 * Pure: per member, the entries of their workspaces, leaving out what the member did themselves.
 * Members with nothing to read get no digest; workspaces with nothing for a member are left out.
 */
export function buildDigests(members: readonly Member[], entries: readonly FeedEntry[]): Digest[] {
  const byWorkspace = groupBy([...entries].sort(chronological), (e) => e.workspaceId);
  const digests: Digest[] = [];
  for (const [userId, memberships] of groupBy(members, (m) => m.userId)) {
    const recipient = recipientOf(memberships);
    if (!recipient) continue;
    const workspaces = memberships
      .map((m) => ({
        workspaceId: m.workspaceId,
        name: m.workspaceName,
        entries: (byWorkspace.get(m.workspaceId) ?? []).filter((e) => e.actor.userId !== userId),
      }))
      .filter((w) => w.entries.length > 0)
      .sort((a, b) => a.name.localeCompare(b.name) || (a.workspaceId < b.workspaceId ? -1 : 1));
    if (workspaces.length > 0) digests.push({ recipient, workspaces });
  }
  return digests.sort((a, b) => (a.recipient.userId < b.recipient.userId ? -1 : 1));
}

/** What compiling digests reads. */
export interface DigestPorts {
  readonly feed: Pick<FeedStore, 'between'>;
  readonly members: Pick<MemberStore, 'ofWorkspaces'>;
}

/** The digests of the window since <= at < until, from the feed and the current memberships. */
export async function compileDigests(
  since: Date,
  until: Date,
  ports: DigestPorts,
): Promise<Digest[]> {
  if (!(since.getTime() < until.getTime())) {
    throw new RangeError(`empty digest window: ${since.toISOString()} .. ${until.toISOString()}`);
  }
  const entries = await ports.feed.between(since, until);
  if (entries.length === 0) return [];
  const workspaceIds = [...new Set(entries.map((e) => e.workspaceId))];
  return buildDigests(await ports.members.ofWorkspaces(workspaceIds), entries);
}
