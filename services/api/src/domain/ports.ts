import type { TokenSigner } from '@herald/auth';
import type { PendingEvent } from '@herald/store';
import type { Comment } from './comment.js';
import type { Invite } from './invite.js';
import type { LinkTokenRecord } from './link-token.js';
import type { Membership } from './membership.js';
import type { StoredPreferences } from './preferences.js';
import type { RefreshToken } from './refresh-token.js';
import type { Assignment, Task, TaskChanges } from './task.js';
import type { User } from './user.js';
import type { Workspace } from './workspace.js';

export interface UserStore {
  /**
   * Stores the user and its events in one write; `'email-taken'` (nothing written) when the address
   * has an account, AppError(conflict) on a taken handle.
   */
  create(user: User, events: readonly PendingEvent[]): Promise<'created' | 'email-taken'>;
  /** Sets `emailVerifiedAt` unless set; false when there is no such user. */
  markVerified(id: string, at: Date): Promise<boolean>;
  /** Sets the password hash (and the verification time) with its events in one write. */
  changePassword(
    id: string,
    changes: Pick<User, 'passwordHash' | 'emailVerifiedAt'>,
    events: readonly PendingEvent[],
  ): Promise<void>;
  byEmail(email: string): Promise<User | undefined>;
  byId(id: string): Promise<User | undefined>;
  /** The users that exist among `ids`, in no particular order. */
  byIds(ids: readonly string[]): Promise<User[]>;
  /** The users with one of `handles` (lower case, as the contract's Handle), in no particular order. */
  byHandles(handles: readonly string[]): Promise<User[]>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface RefreshTokenStore {
  /**
   * Stores a token; `'parent-used'` when a token with the same `parent` exists already. That unique
   * index is what makes a refresh token work once, even for two concurrent refreshes.
   */
  insert(token: RefreshToken): Promise<'inserted' | 'parent-used'>;
  byHash(hash: string): Promise<RefreshToken | undefined>;
  familyRevoked(familyId: string): Promise<boolean>;
  revokeFamily(familyId: string, at: Date): Promise<void>;
  /** Revokes every token of every login of the user (a password reset). */
  revokeUser(userId: string, at: Date): Promise<void>;
  /** Deletes tokens whose expiry is at or before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
}

export interface LinkTokenStore {
  /** Stores the token record with its events (the request for the mailer) in one write. */
  create(record: LinkTokenRecord, events: readonly PendingEvent[]): Promise<void>;
  byHash(hash: string): Promise<LinkTokenRecord | undefined>;
  /**
   * Records the token as spent by inserting a document keyed by its hash: `'spent-before'` on the
   * duplicate key, so of concurrent spends exactly one wins (no conditional update: FerretDB may
   * lose concurrent updates of one document).
   */
  spend(record: LinkTokenRecord, at: Date): Promise<'spent' | 'spent-before'>;
}

/** Registrations of an address that had an account already; each carries the e-mail to its owner. */
export interface RegistrationAttemptStore {
  record(
    attempt: { readonly id: string; readonly userId: string; readonly at: Date },
    events: readonly PendingEvent[],
  ): Promise<void>;
}

export interface WorkspaceStore {
  create(workspace: Workspace, events: readonly PendingEvent[]): Promise<void>;
  byId(id: string): Promise<Workspace | undefined>;
  byIds(ids: readonly string[]): Promise<Workspace[]>;
}

export interface MembershipStore {
  /** Adds the membership and its events in one write; false (and no events) when already a member. */
  add(membership: Membership, events: readonly PendingEvent[]): Promise<boolean>;
  get(workspaceId: string, userId: string): Promise<Membership | undefined>;
  /** The membership an invite created, if it was accepted. */
  byInvite(inviteId: string): Promise<Membership | undefined>;
  ofWorkspace(workspaceId: string): Promise<Membership[]>;
  workspaceIdsOf(userId: string): Promise<string[]>;
}

export interface InviteStore {
  create(invite: Invite, events: readonly PendingEvent[]): Promise<void>;
  byTokenHash(tokenHash: string): Promise<Invite | undefined>;
}

export interface TaskStore {
  /** The next number of a workspace's counter (may repeat under concurrency on FerretDB: see create). */
  nextNumber(workspaceId: string): Promise<number>;
  /** `'number-taken'` when (workspace, number) exists: a unique index guards the task keys. */
  create(task: Task, events: readonly PendingEvent[]): Promise<'created' | 'number-taken'>;
  byId(id: string): Promise<Task | undefined>;
  /** Tasks past due (`dueDate < before`) and not done. */
  overdue(before: Date): Promise<Task[]>;
  /** Applies `changes` and appends `events` in one write if the status is still `expectedStatus`. */
  update(
    id: string,
    expectedStatus: Task['status'],
    changes: TaskChanges,
    events: readonly PendingEvent[],
  ): Promise<boolean>;
}

export interface AssignmentStore {
  /** Records the assignment and its event in one write; false (and no event) when it exists. */
  add(assignment: Assignment, events: readonly PendingEvent[]): Promise<boolean>;
  ofTask(taskId: string): Promise<Assignment[]>;
}

export interface CommentStore {
  create(comment: Comment, events: readonly PendingEvent[]): Promise<void>;
}

export interface PreferencesStore {
  get(userId: string): Promise<StoredPreferences | undefined>;
  /**
   * Stores `next` with its events unless `next.version` is stored already; false, and nothing
   * written, when another write got there first.
   */
  save(userId: string, next: StoredPreferences, events: readonly PendingEvent[]): Promise<boolean>;
}

export interface ApiPorts {
  readonly users: UserStore;
  readonly passwords: PasswordHasher;
  readonly refreshTokens: RefreshTokenStore;
  readonly linkTokens: LinkTokenStore;
  readonly registrationAttempts: RegistrationAttemptStore;
  readonly workspaces: WorkspaceStore;
  readonly memberships: MembershipStore;
  readonly invites: InviteStore;
  readonly tasks: TaskStore;
  readonly assignments: AssignmentStore;
  readonly comments: CommentStore;
  readonly preferences: PreferencesStore;
  readonly accessTokens: TokenSigner;
  /** Base URL of links sent to people (invite accept links). */
  readonly publicUrl: string;
  readonly now: () => Date;
  readonly newId: () => string;
  /** An unguessable token (refresh tokens, invite tokens); only its hash is stored. */
  readonly newSecret: () => string;
  /** Signs and checks one-click unsubscribe tokens (the secret the mailer signs them with). */
  readonly unsubscribeSecret: string;
  /** Derives the tokens of verification and reset links from their ids (the mailer holds it too). */
  readonly linkTokenSecret: string;
}
