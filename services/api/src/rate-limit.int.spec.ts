import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../test/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ rateLimits: { max: 3, authMax: 2 } });
});
afterEach(async () => {
  await h.close();
});

const login = { email: 'ada@example.test', password: 'whatever it is' };

describe('rate limiting', () => {
  it('gives all of /auth/* one small budget per IP, answered with 429 in the catalog shape', async () => {
    expect((await h.call('POST', '/auth/login', undefined, login)).status).toBe(401);
    expect((await h.call('POST', '/auth/refresh', undefined, { refreshToken: 'x' })).status).toBe(
      401,
    );
    const response = await h.app.inject({ method: 'POST', url: '/auth/login', payload: login });
    expect(response.statusCode).toBe(429);
    expect(response.json()).toEqual({
      error: 'HERALD_RATE_LIMITED',
      message: 'rate limit of 2 requests exceeded; retry in 1 minute',
    });
    expect(response.headers['retry-after']).toBe('60');
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
});
