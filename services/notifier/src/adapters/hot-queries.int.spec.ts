import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlannedStore } from '@herald/testkit';
import { MembersCollection } from './members-collection.js';
import { NotificationsCollection } from './notifications-collection.js';
import { PresenceCollection } from './presence-collection.js';
import { StreamTicketsCollection } from './stream-tickets-collection.js';

// The inbox, its live stream and the members it learns, explained on the real store: each must
// be served by an index (a Bitmap Index Scan on FerretDB), or read a collection small by design.
let store: PlannedStore;

beforeAll(async () => {
  store = await PlannedStore.open('notifierplans');
});

afterAll(() => store.close());

const at = new Date('2025-03-03T09:00:00Z');

describe('hot queries of the notifier', () => {
  it('inbox pages, unread count, marks, live stream, members', async () => {
    const { db } = store;
    const inbox = new NotificationsCollection(db);
    const members = new MembersCollection(db);
    const presence = new PresenceCollection(db);
    await inbox.ensureIndexes();
    await members.ensureIndexes();
    const explain = (query: string, work: () => Promise<unknown>) => store.explain(query, work);
    await explain('notifications.saveAll', () =>
      inbox.saveAll([
        {
          id: 'e1:u1',
          userId: 'u1',
          kind: 'welcome',
          title: 'Welcome',
          body: 'Hi',
          eventId: 'e1',
          createdAt: at,
          readAt: null,
        },
      ]),
    );
    await explain('notifications.list', () =>
      inbox.list({ userId: 'u1', limit: 20, unreadOnly: false }),
    );
    await explain('notifications.list (unread, after)', () =>
      inbox.list({
        userId: 'u1',
        limit: 20,
        unreadOnly: true,
        after: { createdAt: at, id: 'e1:u1' },
      }),
    );
    await explain('notifications.after', () => inbox.after('u1', 0, 50));
    await explain('notifications.unreadCount', () => inbox.unreadCount('u1'));
    await explain('notifications.markRead', () => inbox.markRead('u1', 'e1:u1', at));
    await explain('notifications.markAllRead', () => inbox.markAllRead('u1', at));
    await explain('members.knows', () => members.knows('w1'));
    await explain('members.ofWorkspace', () => members.ofWorkspace('w1'));
    await explain('members.isMember', () => members.isMember('w1', 'u1'));
    // One document per notifier replica, so read whole on purpose.
    store.smallByDesign('presence');
    await presence.write('r1', new Map(), at);
    await explain('presence.online', () => presence.online(at));
    // About a minute of tickets, pruned every minute (StreamTicketsCollection): read whole on purpose.
    store.smallByDesign('stream_tickets');
    store.smallByDesign('stream_ticket_uses');
    const tickets = new StreamTicketsCollection(db);
    await tickets.issue('th', { userId: 'u1', handle: 'ada', name: 'Ada', expiresAt: at }, at);
    await explain('streamTickets.redeem', () => tickets.redeem('th', at));
    await explain('streamTickets.prune', () => tickets.prune(at));
    expect(store.scanning()).toEqual([]);
  });
});
