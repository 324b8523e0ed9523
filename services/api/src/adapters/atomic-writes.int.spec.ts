import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { Outbox, connectMongo, type OutboxWrite } from '@herald/store';
import { createEvent } from '@herald/contracts';
import { mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import type { Task } from '../domain/task.js';
import { mongoStores, type MongoStores } from './stores.js';

// What the API's exactly-once rules rest on: inserts guarded by unique keys, which the store
// applies atomically (FerretDB applies updates such as $inc non-atomically, so they cannot be used).
let client: MongoClient;
let db: Db;
let stores: MongoStores;
/** What the adapters told the outbox relay. */
const written: OutboxWrite[] = [];
beforeAll(async () => {
  ({ client, db } = await connectMongo(
    mongoUrlForTest(uniqueNamespace('apiadapters')),
    'api-test',
  ));
  const outbox = new Outbox(db);
  outbox.afterCommit((write) => written.push(write));
  stores = mongoStores(db, outbox);
  await stores.ensureIndexes();
});
afterAll(async () => {
  await db.dropDatabase();
  await client.close();
});

const now = new Date('2025-03-03T09:00:00Z');

describe('unique-key writes', () => {
  it('adds a membership once, however many requests race for it', async () => {
    const membership = { workspaceId: 'w1', userId: 'u1', role: 'member' as const, joinedAt: now };
    const event = createEvent(
      'workspace.member-joined',
      {
        workspaceId: 'w1',
        workspaceName: 'W',
        member: { userId: 'u1', email: 'u1@example.test', name: 'U' },
      },
      'api',
    );
    const added = await Promise.all(
      Array.from({ length: 10 }, () => stores.memberships.add(membership, [event])),
    );
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await stores.memberships.get('w1', 'u1')).toEqual(membership);
    // Only the write that won tells the relay, with the event it stored.
    expect(written.filter((w) => w.collection === 'memberships')).toMatchObject([
      { collection: 'memberships', id: 'w1:u1', events: [{ id: event.id }] },
    ]);
  });

  it('records an assignment once, however many requests race for it', async () => {
    const assignment = {
      taskId: 't1',
      userId: 'u1',
      workspaceId: 'w1',
      assignedBy: 'u2',
      assignedAt: now,
    };
    const added = await Promise.all(
      Array.from({ length: 10 }, () => stores.assignments.add(assignment, [])),
    );
    expect(added.filter(Boolean)).toHaveLength(1);
    expect(await stores.assignments.ofTask('t1')).toEqual([assignment]);
  });

  it('lets a refresh token have one successor only', async () => {
    const token = (hash: string) => ({
      hash,
      userId: 'u1',
      familyId: 'f1',
      parent: 'h0',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 1_000),
    });
    const results = await Promise.all(
      ['h1', 'h2', 'h3', 'h4'].map((h) => stores.refreshTokens.insert(token(h))),
    );
    expect(results.filter((r) => r === 'inserted')).toHaveLength(1);
  });

  it('refuses a second task with the same number in a workspace', async () => {
    const task = (id: string, workspaceId = 'w1'): Task => ({
      id,
      workspaceId,
      number: 1,
      key: 'WS-1',
      title: 't',
      description: null,
      status: 'todo',
      dueDate: null,
      assigneeIds: [],
      createdBy: 'u1',
      createdAt: now,
      updatedAt: now,
    });
    expect(await stores.tasks.create(task('a'), [])).toBe('created');
    expect(await stores.tasks.create(task('b'), [])).toBe('number-taken');
    expect(await stores.tasks.create(task('c', 'w2'), [])).toBe('created');
  });

  it('hands out task numbers from a counter per workspace, even to concurrent first requests', async () => {
    const numbers = await Promise.all(
      Array.from({ length: 5 }, () => stores.tasks.nextNumber('w9')),
    );
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(1);
    expect(await stores.tasks.nextNumber('w10')).toBe(1);
    expect(await stores.tasks.nextNumber('w10')).toBe(2);
  });
});
