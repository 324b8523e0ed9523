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
import { DigestSchedulesCollection } from './digest-schedules-collection.js';
import { FeedCollection } from './feed-collection.js';
import { MembersCollection } from './members-collection.js';

let client: MongoClient;
let db: Db;
let feed: FeedCollection;
let members: MembersCollection;
let schedules: DigestSchedulesCollection;
let ports: ActivityHandlerPorts;
/** What the digest handler published, as the broker would have received it. */
const published: { id: string; data: DigestCompiled }[] = [];

beforeEach(async () => {
  ({ client, db } = await connectMongo(mongoUrlForTest(uniqueNamespace('activity')), 'test'));
  feed = new FeedCollection(db);
  members = new MembersCollection(db);
  schedules = new DigestSchedulesCollection(db);
  await feed.ensureIndexes();
  await members.ensureIndexes();
  await schedules.ensureIndexes();
  published.length = 0;
  ports = {
    feed,
    members,
    schedules,
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

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) found.push(item);
  return found;
}

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

    expect(await all(feed.window('w1', at(0), at(60)))).toEqual([entry('e1', 'w1', 1)]);
  });

  it("reads one workspace's window oldest first, from its start up to but not including its end", async () => {
    for (const [id, minute] of [
      ['before', 9],
      ['start', 10],
      ['b', 15],
      ['a', 15],
      ['end', 20],
    ] as const) {
      await feed.record(entry(id, id === 'b' ? 'w2' : 'w1', minute));
    }

    const found = await all(feed.window('w1', at(10), at(20)));

    expect(found.map((e) => e.eventId)).toEqual(['start', 'a']);
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

    expect(await members.ofUsers(['u-ada', 'u-nobody'])).toEqual([
      { ...owner, workspaceName: 'Renamed', email: 'ada@example.test' },
    ]);
    expect(await members.isMember('w1', 'u-ada')).toBe(true);
    expect(await members.isMember('w1', 'u-bob')).toBe(false);
    expect(await members.isMember('w2', 'u-ada')).toBe(false);
  });
});

const everyone = [ada.userId, bob.userId, cyd.userId];

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

    const digests = await compileDigests(everyone, { since: at(10), until: at(60) }, ports);

    expect(
      digests.map((d) => ({
        to: d.recipient,
        workspaces: d.workspaces.map((w) => [w.name, w.entries.map((e) => e.summary)]),
      })),
    ).toEqual([
      {
        // The creator's e-mail came with workspace.created.
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

    expect(await compileDigests(everyone, { since: at(10), until: at(20) }, ports)).toEqual([]);
  });
});

describe('digests at the hour each user chose', () => {
  /** 07:00 UTC on 2025-03-02: 08:00 in Berlin (winter time). */
  const slot = new Date('2025-03-02T07:00:00Z');
  const due = (at: Date) =>
    activityHandlers['schedule.daily-digest.due'](events.digestDue(at), ports);

  async function twoUsersOneWorkspace() {
    const h = activityHandlers;
    await h['user.registered'](events.userRegistered(ada), ports);
    await h['user.registered'](events.userRegistered(bob), ports);
    await h['workspace.created'](events.workspaceCreated('w1', ada, at(0)), ports);
    await h['workspace.member-joined'](events.memberJoined('w1', bob, at(1)), ports);
    await h['task.created'](events.taskCreated('w1', cyd, at(10)), ports);
  }

  it('sends the default 07:00 UTC digest to the creator and to members', async () => {
    await twoUsersOneWorkspace();
    await due(slot);
    expect(published.map((p) => p.data.recipient.email).sort()).toEqual([
      'ada@example.test',
      'bob@example.test',
    ]);
    await due(new Date('2025-03-02T08:00:00Z'));
    expect(published).toHaveLength(2);
  });

  it('sends a user their digest at the hour they chose in their time zone, and only then', async () => {
    await twoUsersOneWorkspace();
    await activityHandlers['user.notification-preferences-changed'](
      events.preferencesChanged(bob, { hour: 3, timeZone: 'America/New_York' }, 1),
      ports,
    );
    await due(slot);
    expect(published.map((p) => p.data.recipient.userId)).toEqual(['u-ada']);
    // 08:00 UTC is 03:00 in New York in March (before daylight saving time starts).
    await due(new Date('2025-03-02T08:00:00Z'));
    expect(published.map((p) => p.data.recipient.userId)).toEqual(['u-ada', 'u-bob']);
  });

  it('keeps the choice of the highest preferences version, whatever the order they arrive in', async () => {
    await twoUsersOneWorkspace();
    const change = activityHandlers['user.notification-preferences-changed'];
    await change(events.preferencesChanged(ada, { hour: 8, timeZone: 'Europe/Berlin' }, 3), ports);
    await change(events.preferencesChanged(ada, { hour: 9, timeZone: 'UTC' }, 2), ports);
    expect(await schedules.zones()).toEqual(expect.arrayContaining(['UTC', 'Europe/Berlin']));
    expect(await all(schedules.due('Europe/Berlin|8'))).toEqual(['u-ada']);
    expect(await all(schedules.due('UTC|9'))).toEqual([]);
  });
});
