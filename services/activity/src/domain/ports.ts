import type { DigestAt, DigestCompiled } from '@herald/contracts';
import type { FeedCursor } from './cursor.js';
import type { FeedEntry } from './feed-entry.js';
import type { Member } from './member.js';

/** Where feed entries are kept. */
export interface FeedStore {
  /** Stores an entry; one with the same event id already stored is kept as it is. */
  record(entry: FeedEntry): Promise<void>;
  /** Up to `limit` entries of a workspace, newest first, strictly after `after` in that order. */
  page(workspaceId: string, limit: number, after?: FeedCursor): Promise<FeedEntry[]>;
  /** The entries of one workspace with since <= at < until, oldest first, read as they come. */
  window(workspaceId: string, since: Date, until: Date): AsyncIterable<FeedEntry>;
}

/** Who belongs to which workspace, as learned from events. */
export interface MemberStore {
  /** Records a membership; recording it again only refreshes names (and the e-mail if given). */
  add(member: Member): Promise<void>;
  isMember(workspaceId: string, userId: string): Promise<boolean>;
  /** Every membership of these users. */
  ofUsers(userIds: readonly string[]): Promise<Member[]>;
  /** Fills in e-mail addresses of people who are already members; never creates a membership. */
  rememberEmails(
    workspaceId: string,
    people: readonly { readonly userId: string; readonly email: string }[],
  ): Promise<void>;
}

/** When each user's digest is due, learned from their preferences. */
export interface DigestScheduleStore {
  /** Gives a user the default schedule unless they have one. */
  ensure(userId: string): Promise<void>;
  /** Keeps the schedule of the highest preferences version seen. */
  record(userId: string, at: DigestAt, version: number): Promise<void>;
  /** The time zones any schedule is in (a few hundred at most). */
  zones(): Promise<string[]>;
  /** The users whose schedule has this key (`scheduleKey`), read as they come. */
  due(key: string): AsyncIterable<string>;
}

export interface ActivityPorts {
  readonly feed: FeedStore;
  readonly members: MemberStore;
  readonly schedules: DigestScheduleStore;
}

/** What the event handlers need beyond the stores. */
export interface ActivityHandlerPorts extends ActivityPorts {
  /** Publishes with broker confirm; the deterministic id makes a re-run dedupe downstream. */
  readonly publishDigest: (data: DigestCompiled, id: string) => Promise<void>;
  readonly heartbeats: { record(slot: Date, receivedAt: Date): Promise<void> };
  readonly now: () => Date;
}
