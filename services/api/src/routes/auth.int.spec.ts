import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/harness.js';
import { deleteExpiredRefreshTokens } from '../domain/session.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

interface SessionBody {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; handle: string };
}

const refresh = (refreshToken: string) =>
  h.call('POST', '/auth/refresh', undefined, { refreshToken });

describe('register and login', () => {
  it('registers (202, user.registered in the outbox) and logs in with the same password', async () => {
    const registered = await h.call('POST', '/auth/register', undefined, {
      email: 'Ada@Example.test',
      password: 'correct horse',
      name: 'Ada Lovelace',
      handle: 'ada',
    });
    expect(registered).toEqual({ status: 202, body: { status: 'verification-sent' } });
    const events = await h.events('user.registered');
    expect(events).toEqual([
      {
        userId: expect.any(String) as string,
        email: 'ada@example.test',
        name: 'Ada Lovelace',
        handle: 'ada',
      },
    ]);

    const login = await h.call('POST', '/auth/login', undefined, {
      email: 'ADA@example.test',
      password: 'correct horse',
    });
    expect(login.status).toBe(200);
    const session = login.body as unknown as SessionBody;
    expect(session.user).toEqual({
      id: events[0]?.userId,
      email: 'ada@example.test',
      name: 'Ada Lovelace',
      handle: 'ada',
    });
    expect(session.refreshToken).toMatch(/^[\w-]{43}$/);
    const me = await h.call(
      'GET',
      '/workspaces/00000000-0000-4000-8000-000000000000/members',
      session.accessToken,
    );
    expect(me.status).toBe(404); // authenticated: the token works; the workspace does not exist
  });

  it('answers with tokens that no cache may keep, with the security headers', async () => {
    await h.call('POST', '/auth/register', undefined, {
      email: 'grace@example.test',
      password: 'correct horse',
      name: 'Grace Hopper',
      handle: 'grace',
    });
    const login = await h.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'grace@example.test', password: 'correct horse' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers).toMatchObject({
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    expect(login.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('refuses a wrong password and an unknown e-mail alike (401)', async () => {
    const ada = await h.account('ada');
    for (const body of [
      { email: ada.email, password: 'wrong password' },
      { email: 'nobody@example.test', password: ada.password },
    ]) {
      const response = await h.call('POST', '/auth/login', undefined, body);
      expect(response).toEqual({
        status: 401,
        body: { error: 'HERALD_UNAUTHORIZED', message: 'wrong e-mail or password' },
      });
    }
  });

  it('stores refresh tokens hashed, with a family and a 30-day expiry', async () => {
    const ada = await h.account('ada');
    const [stored] = await h.db.collection('refresh_tokens').find({}).toArray();
    expect(stored?._id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(ada.refreshToken);
    const days =
      ((stored?.expiresAt as Date).getTime() - (stored?.createdAt as Date).getTime()) / 86_400_000;
    expect(days).toBe(30);
    expect(stored?.familyId).toEqual(expect.any(String));
  });
});

describe('refresh', () => {
  it('rotates: each refresh token works once and gives a new pair', async () => {
    const ada = await h.account('ada');
    const first = await refresh(ada.refreshToken);
    expect(first.status).toBe(200);
    const next = first.body as unknown as SessionBody;
    expect(next.refreshToken).not.toBe(ada.refreshToken);
    expect(next.user.id).toBe(ada.id);
    const second = await refresh(next.refreshToken);
    expect(second.status).toBe(200);
  });

  it('treats a spent token presented again as theft: 401 and the whole family is revoked', async () => {
    const ada = await h.account('ada');
    const rotated = (await refresh(ada.refreshToken)).body as unknown as SessionBody;
    const reuse = await refresh(ada.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.message).toMatch(/reused/);
    // The legitimate holder's newer token dies with the family.
    const after = await refresh(rotated.refreshToken);
    expect(after).toEqual({
      status: 401,
      body: { error: 'HERALD_UNAUTHORIZED', message: 'refresh token revoked' },
    });
  });

  it('lets at most one of two concurrent refreshes with one token succeed, then revokes the family', async () => {
    const ada = await h.account('ada');
    const results = await Promise.all([refresh(ada.refreshToken), refresh(ada.refreshToken)]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect(statuses).toContain(401);
    // The loser looked like a replay: whatever the winner got is revoked with the family.
    for (const winner of results.filter((r) => r.status === 200)) {
      const { refreshToken } = winner.body as unknown as SessionBody;
      expect((await refresh(refreshToken)).status).toBe(401);
    }
    expect(
      await h.db.collection('refresh_tokens').countDocuments({ revokedAt: { $exists: false } }),
    ).toBe(0);
  });

  it('keeps other logins of the same person working when one family is revoked', async () => {
    const ada = await h.account('ada');
    const other = (
      await h.call('POST', '/auth/login', undefined, { email: ada.email, password: ada.password })
    ).body as unknown as SessionBody;
    await refresh(ada.refreshToken);
    await refresh(ada.refreshToken); // reuse: revokes the first family only
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('refuses unknown and expired tokens (401)', async () => {
    const ada = await h.account('ada');
    expect((await refresh('x'.repeat(43))).body.message).toBe('unknown refresh token');
    h.setClock(new Date(Date.now() + 31 * 86_400_000));
    expect(await refresh(ada.refreshToken)).toEqual({
      status: 401,
      body: { error: 'HERALD_UNAUTHORIZED', message: 'refresh token expired' },
    });
  });
});

describe('logout', () => {
  it('revokes the family of the token (204), so neither it nor its successors refresh', async () => {
    const ada = await h.account('ada');
    const rotated = (await refresh(ada.refreshToken)).body as unknown as SessionBody;
    const out = await h.call('POST', '/auth/logout', rotated.accessToken, {
      refreshToken: rotated.refreshToken,
    });
    expect(out).toEqual({ status: 204, body: {} });
    expect((await refresh(rotated.refreshToken)).status).toBe(401);
  });

  it("needs a bearer token and cannot end someone else's login", async () => {
    const ada = await h.account('ada');
    const bob = await h.account('bob');
    expect(
      (await h.call('POST', '/auth/logout', undefined, { refreshToken: ada.refreshToken })).status,
    ).toBe(401);
    const out = await h.call('POST', '/auth/logout', bob.accessToken, {
      refreshToken: ada.refreshToken,
    });
    expect(out.status).toBe(204);
    expect((await refresh(ada.refreshToken)).status).toBe(200);
  });
});

describe('deleteExpiredRefreshTokens', () => {
  it('deletes exactly the tokens whose expiry has passed', async () => {
    await h.account('ada');
    h.setClock(new Date(Date.now() + 20 * 86_400_000));
    const later = await h.account('bob');
    const tokens = h.db.collection('refresh_tokens');
    expect(await tokens.countDocuments()).toBe(2);

    const in31Days = new Date(Date.now() + 31 * 86_400_000);
    expect(await deleteExpiredRefreshTokens(in31Days, h.ports)).toBe(1);
    expect(await tokens.countDocuments()).toBe(1);
    h.setClock(undefined);
    expect((await refresh(later.refreshToken)).status).toBe(200);
  });
});
