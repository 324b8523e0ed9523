import type { Db } from 'mongodb';
import type { EventsWritten } from '@herald/store';
import type { ApiPorts } from '../domain/ports.js';
import { AssignmentsCollection } from './assignments-collection.js';
import { CommentsCollection } from './comments-collection.js';
import { InvitesCollection } from './invites-collection.js';
import { LinkTokensCollection } from './link-tokens-collection.js';
import { MembershipsCollection } from './memberships-collection.js';
import { PreferencesCollection } from './preferences-collection.js';
import { RefreshTokensCollection } from './refresh-tokens-collection.js';
import { RegistrationAttemptsCollection } from './registration-attempts-collection.js';
import { RemindersCollection } from './reminders-collection.js';
import { TasksCollection } from './tasks-collection.js';
import { UsersCollection } from './users-collection.js';
import { WorkspacesCollection } from './workspaces-collection.js';

/** Every collection whose documents carry events: the outbox relay must watch each of them. */
export const outboxCollections = [
  UsersCollection.collectionName,
  WorkspacesCollection.collectionName,
  MembershipsCollection.collectionName,
  InvitesCollection.collectionName,
  TasksCollection.collectionName,
  AssignmentsCollection.collectionName,
  CommentsCollection.collectionName,
  RemindersCollection.collectionName,
  PreferencesCollection.collectionName,
  LinkTokensCollection.collectionName,
  RegistrationAttemptsCollection.collectionName,
] as const;

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
 * The API's MongoDB adapters over one database. Each adapter that writes events tells `written`
 * which document holds them once the write has committed (the relay then reads just that one).
 */
export function mongoStores(db: Db, written: EventsWritten): MongoStores {
  const users = new UsersCollection(db, written);
  const refreshTokens = new RefreshTokensCollection(db);
  const linkTokens = new LinkTokensCollection(db, written);
  const registrationAttempts = new RegistrationAttemptsCollection(db, written);
  const workspaces = new WorkspacesCollection(db, written);
  const memberships = new MembershipsCollection(db, written);
  const invites = new InvitesCollection(db, written);
  const tasks = new TasksCollection(db, written);
  const assignments = new AssignmentsCollection(db, written);
  const comments = new CommentsCollection(db, written);
  const preferences = new PreferencesCollection(db, written);
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
