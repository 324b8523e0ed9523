import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ rateLimits: { max: 3, authMax: 2, refreshMax: 1 } });
});
afterEach(async () => {
  await h.close();
});

const login = { email: 'ada@example.test', password: 'whatever it is' };

describe('rate limiting', () => {
  it('gives /auth/* one small budget per IP, answered with 429 in the catalog shape', async () => {
    expect((await h.call('POST', '/auth/login', undefined, login)).status).toBe(401);
    expect(
      (await h.call('POST', '/auth/register', undefined, { email: 'x', password: 'y' })).status,
    ).toBe(400);
    const response = await h.app.inject({ method: 'POST', url: '/auth/login', payload: login });
    expect(response.statusCode).toBe(429);
    // The wait left depends on how long the requests above took: only its shape is fixed.
    expect(response.json()).toEqual({
      error: 'HERALD_RATE_LIMITED',
      message: expect.stringMatching(
        /^rate limit of 2 requests exceeded; retry in \d+ \w+$/,
      ) as string,
    });
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('counts verification, reset and their pages against the same /auth budget', async () => {
    const token = 'A'.repeat(43);
    expect((await h.call('POST', '/auth/verify-email', undefined, { token })).status).toBe(404);
    const page = (url: string) => h.app.inject({ method: 'GET', url });
    expect((await page(`/reset-password/${token}`)).statusCode).toBe(200);
    expect(
      (await h.call('POST', '/auth/password-reset', undefined, { email: 'a@b.test' })).status,
    ).toBe(429);
    const confirm = { token, password: 'long enough' };
    expect((await h.call('POST', '/auth/password-reset/confirm', undefined, confirm)).status).toBe(
      429,
    );
    expect((await page(`/verify-email/${token}`)).statusCode).toBe(429);
  });

  it('limits every other route by the global budget, counting refused requests too', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await h.call('POST', '/workspaces', undefined, { name: 'x' })).status).toBe(401);
    }
    const limited = await h.call('GET', '/openapi.json');
    expect(limited).toMatchObject({ status: 429, body: { error: 'HERALD_RATE_LIMITED' } });
  });

  it('never limits the health probes', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await h.call('GET', '/healthz')).status).toBe(200);
      expect((await h.call('GET', '/readyz')).status).toBe(200);
    }
    expect((await h.call('GET', '/openapi.json')).status).toBe(200);
  });

  it('gives refresh a budget of its own: failed logins do not lock a client out of refreshing', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await h.call('POST', '/auth/login', undefined, login)).status).toBe(401);
    }
    expect((await h.call('POST', '/auth/login', undefined, login)).status).toBe(429);
    expect((await h.call('POST', '/auth/refresh', undefined, { refreshToken: 'x' })).status).toBe(
      401,
    );
  });
});

describe('rate limiting behind a proxy', () => {
  let behind: Harness;
  beforeEach(async () => {
    behind = await createHarness({
      trustProxy: 1,
      rateLimits: { max: 1_000, authMax: 2, loginPerAccountMax: 3 },
    });
  });
  afterEach(async () => {
    await behind.close();
  });

  const from = (client: string, email = login.email) =>
    behind.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { ...login, email },
      headers: { 'x-forwarded-for': client },
    });

  it("keys per-client budgets on the client the proxy names, not on the proxy's address", async () => {
    expect((await from('203.0.113.1', 'a@example.test')).statusCode).toBe(401);
    expect((await from('203.0.113.1', 'b@example.test')).statusCode).toBe(401);
    expect((await from('203.0.113.1', 'c@example.test')).statusCode).toBe(429);
    // Another client behind the same proxy still has its budget.
    expect((await from('203.0.113.2', 'd@example.test')).statusCode).toBe(401);
  });

  it('limits logins per account across client addresses', async () => {
    const statuses = [];
    for (let i = 1; i <= 4; i++) {
      statuses.push(
        (await from(`198.51.100.${i}`, i % 2 ? 'ADA@example.test' : login.email)).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await from('198.51.100.5');
    expect(refused.json()).toMatchObject({ error: 'HERALD_RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another account from a fresh address is not affected.
    expect((await from('198.51.100.9', 'bob@example.test')).statusCode).toBe(401);
  });

  it('ignores X-Forwarded-For where no proxy is trusted', async () => {
    // `h` trusts no proxy: every "client" below is the same socket address.
    for (const client of ['192.0.2.1', '192.0.2.2']) {
      const response = await h.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: login,
        headers: { 'x-forwarded-for': client },
      });
      expect(response.statusCode).toBe(401);
    }
    const third = await h.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: login,
      headers: { 'x-forwarded-for': '192.0.2.3' },
    });
    expect(third.statusCode).toBe(429);
  });
});
