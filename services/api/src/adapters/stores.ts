import type { Db } from 'mongodb';
import type { Outbox } from '@herald/store';
import type { ApiPorts } from '../domain/ports.js';
import { AssignmentsCollection } from './assignments-collection.js';
import { CommentsCollection } from './comments-collection.js';
import { InvitesCollection } from './invites-collection.js';
import { LinkTokensCollection } from './link-tokens-collection.js';
import { MembershipsCollection } from './memberships-collection.js';
import { PreferencesCollection } from './preferences-collection.js';
import { RefreshTokensCollection } from './refresh-tokens-collection.js';
import { RegistrationAttemptsCollection } from './registration-attempts-collection.js';
import { TasksCollection } from './tasks-collection.js';
import { UsersCollection } from './users-collection.js';
import { WorkspacesCollection } from './workspaces-collection.js';

export type MongoStores = Pick<
  ApiPorts,
  | 'users'
  | 'refreshTokens'
  | 'linkTokens'
  | 'registrationAttempts'
  | 'workspaces'
  | 'memberships'
  | 'invites'
  | 'tasks'
  | 'assignments'
  | 'comments'
  | 'preferences'
> & { ensureIndexes(): Promise<void> };

/**
 * The API's MongoDB adapters over one database. Those that write events make their collections
 * through `outbox`, which the relay watches and which tells it of each committed write.
 */
export function mongoStores(db: Db, outbox: Outbox): MongoStores {
  const users = new UsersCollection(outbox);
  const refreshTokens = new RefreshTokensCollection(db);
  const linkTokens = new LinkTokensCollection(outbox);
  const registrationAttempts = new RegistrationAttemptsCollection(outbox);
  const workspaces = new WorkspacesCollection(outbox);
  const memberships = new MembershipsCollection(outbox);
  const invites = new InvitesCollection(outbox);
  const tasks = new TasksCollection(outbox);
  const assignments = new AssignmentsCollection(outbox);
  const comments = new CommentsCollection(outbox);
  const preferences = new PreferencesCollection(outbox);
  return {
    users,
    refreshTokens,
    linkTokens,
    registrationAttempts,
    workspaces,
    memberships,
    invites,
    tasks,
    assignments,
    comments,
    preferences,
    async ensureIndexes() {
      for (const store of [
        users,
        refreshTokens,
        memberships,
        invites,
        tasks,
        assignments,
        comments,
        preferences,
      ]) {
        await store.ensureIndexes();
      }
    },
  };
}
