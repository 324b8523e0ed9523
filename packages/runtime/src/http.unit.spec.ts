import { describe, expect, it } from 'vitest';
import { createHttpServer } from './http.js';
import { createLogger } from './logger.js';

async function server(contentSecurityPolicy?: string) {
  const app = createHttpServer({
    logger: createLogger('test', 'silent'),
    ...(contentSecurityPolicy ? { contentSecurityPolicy } : {}),
  });
  app.get('/token', async () => ({ token: 'secret' }));
  app.get('/cached', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=60').send({ ok: true }),
  );
  app.get('/page', async (_request, reply) =>
    reply.header('content-security-policy', "script-src 'self'").send('<p>'),
  );
  await app.ready();
  return app;
}

describe('security headers', () => {
  it('allow a JSON API nothing: no sniffing, framing, referrer or caching', async () => {
    const app = await server();
    const response = await app.inject({ method: 'GET', url: '/token' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    // Errors, 404s included, carry them too.
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it("keep what a route set itself, and take a server's own policy", async () => {
    const app = await server("default-src 'self'");
    expect((await app.inject({ method: 'GET', url: '/cached' })).headers['cache-control']).toBe(
      'public, max-age=60',
    );
    expect(
      (await app.inject({ method: 'GET', url: '/page' })).headers['content-security-policy'],
    ).toBe("script-src 'self'");
    expect(
      (await app.inject({ method: 'GET', url: '/token' })).headers['content-security-policy'],
    ).toBe("default-src 'self'");
  });
});
