import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '@herald/contracts';
import { Outbox } from '@herald/store';
import { PlannedStore } from '@herald/testkit';
import type { Task } from '../domain/task.js';
import { RemindersCollection } from './reminders-collection.js';
import { mongoStores, type MongoStores } from './stores.js';

// Every query the API's adapters run on a request, a consumer or a scheduled job, explained on
// the real store: each must be served by an index (a Bitmap Index Scan on FerretDB).
let store: PlannedStore;
let stores: MongoStores;

beforeAll(async () => {
  store = await PlannedStore.open('apiplans');
  stores = mongoStores(store.db, new Outbox(store.db));
  await stores.ensureIndexes();
});

afterAll(() => store.close());

const now = new Date('2025-03-03T09:00:00Z');
const user = {
  id: 'u1',
  email: 'ada@example.test',
  name: 'Ada',
  handle: 'ada',
  passwordHash: 'x',
  createdAt: now,
};
const task: Task = {
  id: 't1',
  workspaceId: 'w1',
  number: 1,
  key: 'W-1',
  title: 'T',
  description: null,
  status: 'todo',
  dueDate: new Date('2025-03-01T00:00:00Z'),
  assigneeIds: ['u1'],
  createdBy: 'u1',
  createdAt: now,
  updatedAt: now,
};
const registered = createEvent(
  'user.registered',
  { userId: 'u1', email: user.email, name: 'Ada', handle: 'ada' },
  'api',
);

const explain = (query: string, work: () => Promise<unknown>) => store.explain(query, work);

describe('hot queries of the API', () => {
  it('users', async () => {
    await stores.users.create(user, [registered]);
    await explain('users.create (taken)', () => stores.users.create(user, []).catch(() => {}));
    await explain('users.byEmail', () => stores.users.byEmail(user.email));
    await explain('users.byId', () => stores.users.byId('u1'));
    await explain('users.byIds', () => stores.users.byIds(['u1', 'u2']));
    await explain('users.byHandles', () => stores.users.byHandles(['ada', 'bob']));
  });

  it('sessions', async () => {
    const token = {
      hash: 'h1',
      userId: 'u1',
      familyId: 'f1',
      parent: 'login:f1',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    };
    await stores.refreshTokens.insert(token);
    await explain('refreshTokens.byHash', () => stores.refreshTokens.byHash('h1'));
    await explain('refreshTokens.familyRevoked', () => stores.refreshTokens.familyRevoked('f1'));
    await explain('refreshTokens.revokeFamily', () => stores.refreshTokens.revokeFamily('f1', now));
    await explain('refreshTokens.deleteExpired', () => stores.refreshTokens.deleteExpired(now));
  });

  it('workspaces, memberships, invites', async () => {
    await stores.workspaces.create(
      { id: 'w1', key: 'W', name: 'W', createdBy: 'u1', createdAt: now },
      [],
    );
    await explain('workspaces.byId', () => stores.workspaces.byId('w1'));
    await explain('workspaces.byIds', () => stores.workspaces.byIds(['w1', 'w2']));
    await explain('memberships.get', () => stores.memberships.get('w1', 'u1'));
    await explain('memberships.byInvite', () => stores.memberships.byInvite('i1'));
    await explain('memberships.ofWorkspace', () => stores.memberships.ofWorkspace('w1'));
    await explain('memberships.workspaceIdsOf', () => stores.memberships.workspaceIdsOf('u1'));
    await explain('invites.byTokenHash', () => stores.invites.byTokenHash('th'));
  });

  it('tasks, assignments, reminders', async () => {
    await stores.tasks.create(task, []);
    await explain('tasks.nextNumber', () => stores.tasks.nextNumber('w1'));
    await explain('tasks.byId', () => stores.tasks.byId('t1'));
    await explain('tasks.update', () =>
      stores.tasks.update('t1', 'todo', { title: 'T2', updatedAt: now }, []),
    );
    await explain('tasks.overdue', () => stores.tasks.overdue(now));
    await explain('assignments.ofTask', () => stores.assignments.ofTask('t1'));
    const reminders = new RemindersCollection(new Outbox(store.db));
    await explain('reminders.add', () => reminders.add('t1', '2025-03-03', []));
  });

  it('preferences', async () => {
    await explain('preferences.get', () => stores.preferences.get('u1'));
  });

  it('none scans a collection', () => {
    expect(store.scanning()).toEqual([]);
  });
});
