import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '@herald/auth';
import { defaultNotificationPreferences } from '@herald/contracts';
import {
  createHarness,
  unsubscribeSecret,
  type Account,
  type Harness,
} from '../../test/harness.js';

let h: Harness;
let ada: Account;
let bob: Account;

beforeAll(async () => {
  h = await createHarness();
  [ada, bob] = await Promise.all([h.account('ada'), h.account('bob')]);
});
afterAll(async () => {
  await h.close();
});

const path = '/me/notification-preferences';
const changes = async (userId: string) =>
  (await h.events('user.notification-preferences-changed')).filter((e) => e.userId === userId);

function form(url: string, payload: string, contentType = 'application/x-www-form-urlencoded') {
  return h.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
}

describe('GET /me/notification-preferences', () => {
  it('answers everything on while nothing is stored', async () => {
    const got = await h.call('GET', path, bob.accessToken);
    expect(got).toEqual({ status: 200, body: defaultNotificationPreferences });
  });
});

describe('PUT /me/notification-preferences', () => {
  it('merges a subset, answers the whole result and stores it with its event', async () => {
    const put = await h.call('PUT', path, ada.accessToken, { email: { mentioned: false } });
    const expected = {
      email: { ...defaultNotificationPreferences.email, mentioned: false },
      inApp: defaultNotificationPreferences.inApp,
      digestAt: { hour: 7, timeZone: 'UTC' },
    };
    expect(put).toEqual({ status: 200, body: expected });
    const again = await h.call('PUT', path, ada.accessToken, { inApp: { overdue: false } });
    const both = { ...expected, inApp: { ...expected.inApp, overdue: false } };
    expect(again.body).toEqual(both);
    expect((await h.call('GET', path, ada.accessToken)).body).toEqual(both);
    expect(await changes(ada.id)).toEqual([
      { userId: ada.id, preferences: expected, version: 1 },
      { userId: ada.id, preferences: both, version: 2 },
    ]);
    // Another user's preferences are untouched.
    expect((await h.call('GET', path, bob.accessToken)).body).toEqual(
      defaultNotificationPreferences,
    );
  });

  it('publishes nothing for a change that changes nothing', async () => {
    const before = (await changes(ada.id)).length;
    const put = await h.call('PUT', path, ada.accessToken, { email: { mentioned: false } });
    expect(put.status).toBe(200);
    expect(await changes(ada.id)).toHaveLength(before);
  });

  it('sets the hour and time zone of the digest as a whole, and they reach the event', async () => {
    const cy = await h.account('cy');
    const digestAt = { hour: 8, timeZone: 'Europe/Berlin' };
    const put = await h.call('PUT', path, cy.accessToken, { digestAt });
    expect(put.status).toBe(200);
    expect(put.body.digestAt).toEqual(digestAt);
    expect(put.body.email).toEqual(defaultNotificationPreferences.email);
    expect((await changes(cy.id)).at(-1)?.preferences.digestAt).toEqual(digestAt);
  });

  it.each([
    ['an unknown channel', { sms: { mentioned: false } }, /sms/],
    ['an unknown kind', { email: { welcome: false } }, /welcome/],
    ['a non-boolean', { email: { digest: 'no' } }, /digest/],
    ['an hour beyond 23', { digestAt: { hour: 24, timeZone: 'UTC' } }, /hour/],
    ['an unknown time zone', { digestAt: { hour: 7, timeZone: 'Mars/Olympus' } }, /time zone/],
    ['half a digest time', { digestAt: { hour: 7 } }, /timeZone/],
  ])('refuses %s with 400 and the reason, writing nothing', async (_what, body, reason) => {
    const before = (await changes(ada.id)).length;
    const put = await h.call('PUT', path, ada.accessToken, body);
    expect(put.status).toBe(400);
    expect(put.body.error).toBe('HERALD_VALIDATION');
    expect(put.body.message).toMatch(reason);
    expect(await changes(ada.id)).toHaveLength(before);
  });

  it('loses no change when writes of one user race: versions 1…n, the last holds all of them', async () => {
    const carol = await h.account('carol');
    const kinds = ['mentioned', 'assigned', 'overdue', 'digest'] as const;
    const results = await Promise.all(
      kinds.map((kind) => h.call('PUT', path, carol.accessToken, { email: { [kind]: false } })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const events = await changes(carol.id);
    expect(events.map((e) => e.version).sort()).toEqual([1, 2, 3, 4]);
    const all = { mentioned: false, assigned: false, overdue: false, digest: false };
    expect(events.find((e) => e.version === 4)?.preferences.email).toEqual(all);
    expect(
      ((await h.call('GET', path, carol.accessToken)).body as { email: unknown }).email,
    ).toEqual(all);
  });
});

describe('one-click unsubscribe', () => {
  const url = (token: string) => `/unsubscribe/${token}`;

  it('GET shows what it would do, with a button, and changes nothing', async () => {
    const token = signUnsubscribeToken(unsubscribeSecret, { userId: bob.id, kind: 'digest' });
    const before = (await changes(bob.id)).length;
    const page = await h.app.inject({ method: 'GET', url: url(token) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('daily digest');
    expect(page.body).toContain(`<form method="post" action="/unsubscribe/${token}">`);
    expect(page.body).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await changes(bob.id)).toHaveLength(before);
    expect((await h.call('GET', path, bob.accessToken)).body).toEqual(
      defaultNotificationPreferences,
    );
  });

  it('POST without login turns that kind of e-mail off, once, and answers 200 again after', async () => {
    const token = signUnsubscribeToken(unsubscribeSecret, { userId: bob.id, kind: 'assigned' });
    // A real token is longer than fastify's default path-parameter limit (100), which answers 414.
    expect(token.length).toBeGreaterThan(100);
    const first = await form(url(token), 'List-Unsubscribe=One-Click');
    expect(first.statusCode).toBe(200);
    const second = await form(url(token), 'List-Unsubscribe=One-Click');
    expect(second.statusCode).toBe(200);
    const prefs = (await h.call('GET', path, bob.accessToken)).body;
    expect(prefs).toEqual({
      ...defaultNotificationPreferences,
      email: { ...defaultNotificationPreferences.email, assigned: false },
    });
    expect(await changes(bob.id)).toEqual([{ userId: bob.id, preferences: prefs, version: 1 }]);
  });

  it('refuses a tampered or foreign token with 400 and the reason, and an unknown user with 404', async () => {
    const token = signUnsubscribeToken(unsubscribeSecret, { userId: bob.id, kind: 'mentioned' });
    const [payload] = token.split('.');
    const forged = `${payload}.${'A'.repeat(43)}`;
    const foreign = signUnsubscribeToken('some-other-secret-that-is-32-chars-long', {
      userId: bob.id,
      kind: 'mentioned',
    });
    for (const bad of [forged, foreign]) {
      for (const method of ['GET', 'POST'] as const) {
        const response =
          method === 'GET'
            ? await h.app.inject({ method, url: url(bad) })
            : await form(url(bad), 'List-Unsubscribe=One-Click');
        expect({ method, status: response.statusCode, body: response.json<unknown>() }).toEqual({
          method,
          status: 400,
          body: {
            error: 'HERALD_VALIDATION',
            message: 'the unsubscribe token is not valid (wrong signature)',
          },
        });
      }
    }
    const malformed = await h.app.inject({ method: 'GET', url: url('not-a-token') });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ message: string }>().message).toMatch(/malformed unsubscribe token/);
    const nobody = signUnsubscribeToken(unsubscribeSecret, {
      userId: '00000000-0000-4000-8000-000000000000',
      kind: 'digest',
    });
    expect((await form(url(nobody), 'List-Unsubscribe=One-Click')).statusCode).toBe(404);
    expect((await h.call('GET', path, bob.accessToken)).body).toMatchObject({
      email: { mentioned: true },
    });
  });

  it('answers a 1,500-character token with 400 (malformed or unsigned), not 414', async () => {
    const long = `${'a'.repeat(1_000)}.${'b'.repeat(499)}`;
    const response = await h.app.inject({ method: 'GET', url: url(long) });
    expect(response.statusCode).toBe(400);
  });

  it('refuses any other body with 400, changing nothing', async () => {
    const token = signUnsubscribeToken(unsubscribeSecret, { userId: bob.id, kind: 'overdue' });
    const responses = [
      await form(url(token), ''),
      await form(url(token), 'List-Unsubscribe=Yes'),
      await form(url(token), 'List-Unsubscribe=One-Click&extra=1'),
      await h.app.inject({ method: 'POST', url: url(token) }),
      await form(url(token), 'List-Unsubscribe=One-Click', 'text/plain'),
      await h.app.inject({ method: 'POST', url: url(token), payload: { 'List-Unsubscribe': 'x' } }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(responses[1]?.json<{ message: string }>().message).toMatch(/List-Unsubscribe/);
    expect((await h.call('GET', path, bob.accessToken)).body).toMatchObject({
      email: { overdue: true },
    });
  });
});
