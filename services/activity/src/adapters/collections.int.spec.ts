import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, MongoClient } from 'mongodb';
import { connectMongo, Heartbeats } from '@herald/store';
import { mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import { compileDigests } from '../domain/digest.js';
import type { FeedEntry } from '../domain/feed-entry.js';
import type { ActivityHandlerPorts } from '../domain/ports.js';
import type { DigestCompiled } from '@herald/contracts';
import { ada, at, bob, cyd, events } from '../fixtures.js';
import { activityHandlers } from '../handlers/index.js';
import { FeedCollection } from './feed-collection.js';
import { MembersCollection } from './members-collection.js';

let client: MongoClient;
let db: Db;
let feed: FeedCollection;
let members: MembersCollection;
let ports: ActivityHandlerPorts;
/** What the digest handler published, as the broker would have received it. */
const published: { id: string; data: DigestCompiled }[] = [];

beforeEach(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('activity')), 'test'));
  feed = new FeedCollection(db);
  members = new MembersCollection(db);
  await feed.ensureIndexes();
  await members.ensureIndexes();
  ports = {
    feed,
    members,
    publishDigest: async (data, id) => {
      published.push({ id, data });
    },
    heartbeats: new Heartbeats(db),
    now: () => new Date(),
  };
});

afterEach(async () => {
  await db.dropDatabase();
  await client.close();
});

function entry(eventId: string, workspaceId: string, minute: number): FeedEntry {
  return {
    eventId,
    workspaceId,
    type: 'task.created',
    actor: { userId: 'u-x', name: 'X' },
    summary: `entry ${eventId}`,
    at: at(minute),
  };
}

describe('FeedCollection', () => {
  it('keeps the first entry stored for an event id', async () => {
    await feed.record(entry('e1', 'w1', 1));
    await feed.record({ ...entry('e1', 'w1', 1), summary: 'changed' });

    expect(await feed.between(at(0), at(60))).toEqual([entry('e1', 'w1', 1)]);
  });

  it('reads a window oldest first, from its start up to but not including its end', async () => {
    for (const [id, minute] of [
      ['before', 9],
      ['start', 10],
      ['b', 15],
      ['a', 15],
      ['end', 20],
    ] as const) {
      await feed.record(entry(id, id === 'b' ? 'w2' : 'w1', minute));
    }

    const found = await feed.between(at(10), at(20));

    expect(found.map((e) => e.eventId)).toEqual(['start', 'a', 'b']);
  });

  it('round-trips an entry with and without a subject', async () => {
    const withSubject: FeedEntry = {
      ...entry('e2', 'w1', 2),
      subject: { taskId: 't', key: 'K-1', title: 'T' },
    };
    await feed.record(entry('e1', 'w1', 1));
    await feed.record(withSubject);

    expect(await feed.page('w1', 10)).toEqual([withSubject, entry('e1', 'w1', 1)]);
  });
});

describe('MembersCollection', () => {
  it('records a membership once, keeping when it began and an e-mail learned later', async () => {
    const owner = {
      workspaceId: 'w1',
      workspaceName: 'Space',
      userId: 'u-ada',
      name: 'Ada',
      since: at(0),
    };
    await members.add(owner);
    await members.rememberEmails('w1', [{ userId: 'u-ada', email: 'ada@example.test' }]);
    await members.add({ ...owner, workspaceName: 'Renamed', since: at(30) });

    expect(await members.ofWorkspaces(['w1'])).toEqual([
      { ...owner, workspaceName: 'Renamed', email: 'ada@example.test' },
    ]);
    expect(await members.isMember('w1', 'u-ada')).toBe(true);
    expect(await members.isMember('w1', 'u-bob')).toBe(false);
    expect(await members.isMember('w2', 'u-ada')).toBe(false);
  });
});

describe('compileDigests against the store', () => {
  it('gives each member what others did in their workspaces during the window', async () => {
    const h = activityHandlers;
    await h['workspace.created'](events.workspaceCreated('w1', ada, at(0)), ports);
    await h['workspace.member-joined'](events.memberJoined('w1', bob, at(1)), ports);
    await h['workspace.created'](events.workspaceCreated('w2', cyd, at(2)), ports);
    await h['workspace.member-joined'](events.memberJoined('w2', bob, at(3)), ports);
    // The window: 09:10 <= at < 10:00.
    const assigned = events.taskAssigned('w1', bob, ada, at(10));
    const comment = events.commentCreated('w1', ada, [bob], at(20));
    const moved = events.taskStatusChanged('w2', cyd, at(30));
    const tooLate = events.taskCreated('w1', bob, at(60));
    await h['task.assigned'](assigned, ports);
    await h['comment.created'](comment, ports);
    await h['task.status-changed'](moved, ports);
    await h['task.created'](tooLate, ports);

    const digests = await compileDigests(at(10), at(60), ports);

    expect(
      digests.map((d) => ({
        to: d.recipient,
        workspaces: d.workspaces.map((w) => [w.name, w.entries.map((e) => e.summary)]),
      })),
    ).toEqual([
      {
        // The owner's e-mail was learned from the assignment.
        to: { userId: 'u-ada', name: 'Ada', email: 'ada@example.test' },
        workspaces: [['Space w1', ['Bob assigned WS-3 “Fix login” to Ada']]],
      },
      {
        to: { userId: 'u-bob', name: 'Bob', email: 'bob@example.test' },
        workspaces: [
          ['Space w1', ['Ada commented on WS-3 “Fix login”']],
          ['Space w2', ['Cyd moved WS-3 “Fix login” from To do to In progress']],
        ],
      },
      // Cyd did the only thing in w2 that window: nothing to read, no digest.
    ]);
  });

  it('compiles nothing for a quiet window', async () => {
    await activityHandlers['workspace.created'](events.workspaceCreated('w1', ada, at(0)), ports);

    expect(await compileDigests(at(10), at(20), ports)).toEqual([]);
  });
});
