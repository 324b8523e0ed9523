import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aNotification,
  badTokens,
  bearer,
  createHarness,
  inboxOrder,
  tokenFor,
  type Harness,
} from '../../test/harness.js';
import { encodeCursor } from '../domain/cursor.js';
import type { Notification } from '../domain/notification.js';

interface Page {
  items: { id: string; readAt: string | null; createdAt: string }[];
  nextCursor: string | null;
}

let h: Harness;
let ada: string;
let grace: string;

beforeEach(async () => {
  h = await createHarness();
  ada = await tokenFor('u-ada');
  grace = await tokenFor('u-grace');
});

afterEach(async () => {
  await h.close();
});

/** `count` notifications for a user, three per millisecond so ties need the id to order them. */
async function seed(userId: string, count: number, first = 0): Promise<Notification[]> {
  const notifications = Array.from({ length: count }, (_, i) =>
    aNotification(userId, first + i, 1_700_000_000_000 + Math.floor((first + i) / 3)),
  );
  await h.store.saveAll(notifications);
  return notifications;
}

async function list(token: string, query = ''): Promise<Page> {
  const response = await h.app.inject({
    method: 'GET',
    url: `/notifications${query}`,
    headers: bearer(token),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Page>();
}

async function everyPage(token: string, query: string): Promise<Page[]> {
  const pages = [await list(token, `?${query}`)];
  for (let last = pages[0]; last?.nextCursor; last = pages.at(-1)) {
    pages.push(await list(token, `?${query}&cursor=${last.nextCursor}`));
  }
  return pages;
}

async function unreadCount(token: string): Promise<number> {
  const response = await h.app.inject({
    method: 'GET',
    url: '/notifications/unread-count',
    headers: bearer(token),
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ count: number }>().count;
}

function markRead(token: string, id: string) {
  return h.app.inject({
    method: 'POST',
    url: `/notifications/${encodeURIComponent(id)}/read`,
    headers: bearer(token),
  });
}

describe('GET /notifications', () => {
  it("pages through the caller's inbox newest first, each item exactly once", async () => {
    const mine = await seed('u-ada', 25);
    await seed('u-grace', 5, 100);

    const pages = await everyPage(ada, 'limit=10');

    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(inboxOrder(mine));
  });

  it('answers the view of each notification', async () => {
    const [one] = await seed('u-ada', 1);

    expect((await list(ada)).items).toEqual([
      {
        id: one?.id,
        kind: 'mentioned',
        title: 'Notification 0',
        body: 'Body 0',
        link: { workspaceId: 'w-1', taskId: 't-0' },
        createdAt: one?.createdAt.toISOString(),
        readAt: null,
      },
    ]);
  });

  it('continues where the cursor points even after newer notifications arrive', async () => {
    const mine = await seed('u-ada', 12);
    const expected = inboxOrder(mine);
    const first = await list(ada, '?limit=5');

    const newer = await seed('u-ada', 3, 50);
    const second = await list(ada, `?limit=5&cursor=${first.nextCursor}`);
    const fresh = await list(ada, '?limit=5');

    expect(first.items.map((i) => i.id)).toEqual(expected.slice(0, 5));
    expect(second.items.map((i) => i.id)).toEqual(expected.slice(5, 10));
    expect(fresh.items.map((i) => i.id).slice(0, 3)).toEqual(inboxOrder(newer));
  });

  it('defaults to 20 items a page and allows at most 100', async () => {
    await seed('u-ada', 101);

    expect((await list(ada)).items).toHaveLength(20);
    expect((await list(ada, '?limit=100')).items).toHaveLength(100);
  });

  it('lists only unread notifications with unread=true, across pages', async () => {
    const mine = await seed('u-ada', 9);
    const read = new Set(mine.filter((_, i) => i % 3 === 0).map((n) => n.id));
    for (const id of read) expect((await markRead(ada, id)).statusCode).toBe(200);

    const pages = await everyPage(ada, 'unread=true&limit=4');
    const all = await list(ada, '?unread=false&limit=100');

    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(
      inboxOrder(mine.filter((n) => !read.has(n.id))),
    );
    expect(pages.flatMap((p) => p.items).every((i) => i.readAt === null)).toBe(true);
    expect(all.items).toHaveLength(9);
    expect(await unreadCount(ada)).toBe(6);
  });

  it("never shows another user's notifications", async () => {
    await seed('u-grace', 3);

    expect(await list(ada)).toEqual({ items: [], nextCursor: null });
    expect(await unreadCount(ada)).toBe(0);
    expect(await unreadCount(grace)).toBe(3);
  });

  it.each([
    ['a malformed cursor', '?cursor=nope!', /cursor/],
    [
      'a cursor that decodes to garbage',
      `?cursor=${Buffer.from('{}').toString('base64url')}`,
      /cursor/,
    ],
    ['limit 0', '?limit=0', /limit/],
    ['limit above 100', '?limit=101', /limit/],
    ['a non-numeric limit', '?limit=ten', /limit/],
    ['unread other than true/false', '?unread=yes', /unread/],
    ['an unknown parameter', '?sort=asc', /sort/],
  ])('refuses %s with 400 and the reason', async (_what, query, reason) => {
    const response = await h.app.inject({
      method: 'GET',
      url: `/notifications${query}`,
      headers: bearer(ada),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'HERALD_VALIDATION', message: reason });
  });

  it('reads a cursor as a position in the order, not as a session', async () => {
    await seed('u-ada', 4);
    const cursor = encodeCursor({ createdAt: new Date(1_700_000_000_000), id: 'evt-001:u-ada' });

    const page = await list(ada, `?cursor=${cursor}`);

    expect(page).toEqual({
      items: [expect.objectContaining({ id: 'evt-000:u-ada' })],
      nextCursor: null,
    });
  });
});

describe('POST /notifications/:id/read', () => {
  it('marks the notification read and answers it; again keeps the first readAt', async () => {
    const [one, two] = await seed('u-ada', 2);
    const firstRead = new Date('2025-03-03T10:00:00.000Z');
    h.setClock(firstRead);

    const response = await markRead(ada, one!.id);
    h.setClock(new Date('2025-03-04T10:00:00.000Z'));
    const again = await markRead(ada, one!.id);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: one?.id, readAt: firstRead.toISOString() });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: one?.id, readAt: firstRead.toISOString() });
    expect(await unreadCount(ada)).toBe(1);
    expect((await list(ada, '?unread=true')).items.map((i) => i.id)).toEqual([two?.id]);
  });

  it("answers 404 for another user's notification and leaves it unread", async () => {
    const [theirs] = await seed('u-grace', 1);

    const response = await markRead(ada, theirs!.id);

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'HERALD_NOT_FOUND' });
    expect(await unreadCount(grace)).toBe(1);
  });

  it('answers 404 for an id that does not exist', async () => {
    expect((await markRead(ada, 'evt-404:u-ada')).statusCode).toBe(404);
  });
});

describe('POST /notifications/read-all', () => {
  it("marks every unread notification of the caller read, and only the caller's", async () => {
    const mine = await seed('u-ada', 5);
    await seed('u-grace', 2, 10);
    await markRead(ada, mine[0]!.id);

    const readAll = () =>
      h.app.inject({ method: 'POST', url: '/notifications/read-all', headers: bearer(ada) });
    const first = await readAll();
    const second = await readAll();

    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ updated: 4 });
    expect(second.json()).toEqual({ updated: 0 });
    expect(await unreadCount(ada)).toBe(0);
    expect(await unreadCount(grace)).toBe(2);
  });
});

describe('authentication', () => {
  const endpoints = [
    ['GET', '/notifications'],
    ['GET', '/notifications/unread-count'],
    ['POST', '/notifications/evt-1:u-ada/read'],
    ['POST', '/notifications/read-all'],
    ['GET', '/notifications/stream'],
  ] as const;

  it.each(endpoints)('%s %s answers 401 without a token', async (method, url) => {
    const response = await h.app.inject({ method, url });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'HERALD_UNAUTHORIZED' });
  });

  it.each(endpoints)('%s %s answers 401 for bad tokens', async (method, url) => {
    for (const [what, token] of Object.entries(await badTokens('u-ada'))) {
      const response = await h.app.inject({ method, url, headers: bearer(token) });
      expect({ what, status: response.statusCode }).toEqual({ what, status: 401 });
    }
    const basic = await h.app.inject({ method, url, headers: { authorization: 'Basic YTpi' } });
    expect(basic.statusCode).toBe(401);
  });

  it('refuses an anonymous request before looking at its input', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/notifications?limit=0' });

    expect(response.statusCode).toBe(401);
  });

  it('takes no token in the URL', async () => {
    const response = await h.app.inject({
      method: 'GET',
      url: `/notifications?access_token=${ada}`,
    });

    expect(response.statusCode).toBe(401);
  });

  it('keeps health endpoints open', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
