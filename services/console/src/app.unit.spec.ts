import { describe, expect, it } from 'vitest';
import type { DeadLetter, Selector } from '@herald/bus';
import { createLogger, createMetrics } from '@herald/runtime';
import { buildApp, type ConsoleAppDeps } from './app.js';
import { createSessions } from './auth/session.js';
import type { DeadLetterStore } from './domain/ports.js';
import { ReplayJobs } from './domain/replay-jobs.js';

const token = 'operator-token-for-tests-0123456789abcdef';
const bearer = { authorization: `Bearer ${token}` };
const traceId = '0af7651916cd43dd8448eb211c80319c';

const letter: DeadLetter = {
  position: 0,
  messageId: 'm-1',
  type: 'user.registered',
  kind: 'permanent',
  error: 'SMTP 550 <script>',
  attempts: 1,
  failedAt: '2026-01-01T00:00:00.000Z',
  consumer: 'mailer',
  originalExchange: 'identity',
  originalRoutingKey: 'user.registered',
  traceparent: `00-${traceId}-b7ad6b7169203331-01`,
  headers: { 'x-herald-error': 'SMTP 550 <script>' },
  body: '{"id":"m-1"}',
};

/** A DLQ that records what was done to it, so a refused request can be shown to change nothing. */
function fakeDlq() {
  const calls: string[] = [];
  const store: DeadLetterStore = {
    depth: async () => 1,
    list: async () => [letter],
    replay: async (service: string, selector: Selector) => {
      calls.push(`replay ${service} ${JSON.stringify(selector)}`);
      return 1;
    },
    replayOldest: async (service) => {
      calls.push(`replay-oldest ${service}`);
      return 1;
    },
    purge: async (service, selector) => {
      calls.push(`purge ${service} ${JSON.stringify(selector)}`);
      return 1;
    },
  };
  return { store, calls };
}

function console(overrides: Partial<ConsoleAppDeps> = {}) {
  const dlq = fakeDlq();
  const sessions = createSessions({ token, ttlMs: 3_600_000, now: () => Date.now() });
  const deps: ConsoleAppDeps = {
    logger: createLogger('console', 'silent'),
    metrics: createMetrics('console'),
    sessions,
    sessionTtlMs: 3_600_000,
    cookieSecure: false,
    namespace: '',
    queues: {
      queues: async () => [
        { name: 'mailer', ready: 2, unacked: 1, consumers: 1, publishRate: 0.5, deliverRate: 0.5 },
        { name: 'mailer.dlq', ready: 1, unacked: 0, consumers: 0, publishRate: 0, deliverRate: 0 },
      ],
    },
    probe: { readiness: async () => [], outboxes: async () => [] },
    deadLetters: dlq.store,
    replays: new ReplayJobs({
      store: dlq.store,
      ratePerSecond: 1_000,
      now: () => new Date(),
      sleep: async () => undefined,
    }),
    scheduler: {
      schedules: async () => [],
      slots: async () => [],
      leadership: async () => ({ lease: null, changes: [] }),
      pipeline: async () => [],
    },
    traces: {
      trace: async (id) =>
        id === traceId
          ? {
              traceID: id,
              processes: { p1: { serviceName: 'api' } },
              spans: [
                {
                  spanID: 's1',
                  operationName: 'POST /auth/register',
                  processID: 'p1',
                  startTime: 0,
                  duration: 1_000,
                  references: [],
                },
              ],
            }
          : undefined,
    },
    jaegerUiUrl: undefined,
    liveIntervalMs: 1_000,
    now: () => new Date('2026-01-01T00:05:00Z'),
    ...overrides,
  };
  return { app: buildApp(deps), calls: dlq.calls, sessions };
}

/** Every route the app serves, read from fastify's own route tree. */
async function routesOf(app: ReturnType<typeof buildApp>) {
  await app.ready();
  const stack: string[] = [];
  const routes: { method: string; url: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)(?:├── |└── )(.+?) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth === 0 ? '' : stack[depth - 1]!) + match[2]!;
    stack[depth] = path;
    for (const method of match[3]!.split(', ')) {
      if (method !== 'HEAD') routes.push({ method, url: path });
    }
  }
  return routes;
}

const example = (url: string) =>
  url.replace(':service', 'mailer').replace(':id', 'm-1').replace(':traceId', traceId);

const open = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /assets/console.css',
  'GET /assets/console.js',
  'GET /sign-in',
  'POST /sign-in',
];

/** Signs in through the form, as a browser would: the session cookie and its CSRF token. */
async function signIn(app: ReturnType<typeof buildApp>) {
  const form = await app.inject('/sign-in');
  const formCookie = String(form.headers['set-cookie']).split(';')[0]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const signedIn = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: formCookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ csrf, token, next: '/scheduler' }).toString(),
  });
  const setCookies = [signedIn.headers['set-cookie']].flat().map(String);
  const session = setCookies.find((c) => c.startsWith('herald_console_session='))!;
  const page = await app.inject({ url: '/', headers: { cookie: session.split(';')[0]! } });
  return {
    signedIn,
    session,
    cookie: session.split(';')[0]!,
    csrf: /name="csrf" value="([^"]+)"/.exec(page.body)![1]!,
  };
}

describe('console authorisation', () => {
  it('refuses every route but the probes, assets and sign-in without the operator token', async () => {
    const { app, calls } = console();
    const routes = await routesOf(app);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const { method, url } of routes) {
      const response = await app.inject({ method, url: example(url) });
      const key = `${method} ${url}`;
      if (open.includes(key)) expect(response.statusCode, key).not.toBe(401);
      else {
        expect(response.statusCode, key).toBe(401);
        expect(response.json(), key).toMatchObject({ error: 'HERALD_UNAUTHORIZED' });
      }
    }
    expect((await app.inject('/no/such/page')).statusCode).toBe(401);
    expect(calls).toEqual([]);
  });

  it('refuses a wrong bearer token, a forged session cookie and an expired one', async () => {
    const { app } = console();
    const wrong = await app.inject({ url: '/', headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.statusCode).toBe(401);
    const forged = await app.inject({
      url: '/',
      headers: { cookie: `herald_console_session=v1.${Date.now() + 60_000}.abc.def` },
    });
    expect(forged.statusCode).toBe(401);
    const expired = createSessions({ token, ttlMs: -1, now: () => Date.now() }).issue().cookie;
    const stale = await app.inject({
      url: '/',
      headers: { cookie: `herald_console_session=${expired}` },
    });
    expect(stale.statusCode).toBe(401);
  });

  it('sends a browser asking for a page to the sign-in page, keeping where it was going', async () => {
    const { app } = console();
    const response = await app.inject({ url: '/scheduler', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-in?next=%2Fscheduler');
  });

  it('signs in with the token typed into the form: an HttpOnly, SameSite=Strict session cookie', async () => {
    const { app } = console();
    const { signedIn, session, cookie } = await signIn(app);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/scheduler');
    expect(session).toMatch(/; HttpOnly; SameSite=Strict/);
    expect((await app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(200);
  });

  it('refuses a wrong token on the form, a form without its own CSRF proof, and a foreign next', async () => {
    const { app } = console();
    const form = await app.inject('/sign-in?next=//evil.example');
    const formCookie = String(form.headers['set-cookie']).split(';')[0]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)![1]!;
    expect(form.body).toContain('name="next" value="/"');
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(fields).toString(),
      });

    const wrong = await post({ cookie: formCookie }, { csrf, token: 'guess' });
    expect(wrong.statusCode).toBe(401);
    expect(String(wrong.headers['set-cookie'])).not.toContain('herald_console_session');
    expect((await post({}, { csrf, token })).statusCode).toBe(403);
    expect((await post({ cookie: formCookie }, { token })).statusCode).toBe(403);
    const foreign = await post(
      { cookie: formCookie },
      { csrf, token, next: 'https://evil.example/' },
    );
    expect(foreign.headers.location).toBe('/');
  });

  it('refuses every action on the session cookie without its CSRF token, and does nothing', async () => {
    const { app, calls } = console();
    const { cookie, csrf } = await signIn(app);
    const other = await signIn(app);
    const actions = (await routesOf(app)).filter(
      (r) => r.method === 'POST' && r.url !== '/sign-in',
    );
    expect(actions.map((a) => a.url).sort()).toEqual([
      '/dead-letters/:service/purge',
      '/dead-letters/:service/replay',
      '/dead-letters/:service/replay-all',
      '/sign-out',
    ]);
    const fields = { message: 'm-1', all: '1', confirm: 'yes' };
    for (const { url } of actions) {
      for (const proof of [{}, { csrf: 'forged' }, { csrf: other.csrf }] as Record<
        string,
        string
      >[]) {
        const response = await app.inject({
          method: 'POST',
          url: example(url),
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ ...fields, ...proof }).toString(),
        });
        expect(response.statusCode, `${url} ${JSON.stringify(proof)}`).toBe(403);
        expect(response.json()).toMatchObject({ error: 'HERALD_FORBIDDEN' });
      }
    }
    expect(calls).toEqual([]);

    const replay = await app.inject({
      method: 'POST',
      url: '/dead-letters/mailer/replay',
      headers: {
        cookie,
        'x-csrf-token': csrf,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'message=m-1',
    });
    expect(replay.statusCode).toBe(303);
    expect(calls).toEqual(['replay mailer {"messageId":"m-1"}']);
  });

  it('takes actions from a bearer client without a CSRF token: no browser sends that header by itself', async () => {
    const { app, calls } = console();
    const response = await app.inject({
      method: 'POST',
      url: '/dead-letters/mailer/purge',
      headers: { ...bearer, 'content-type': 'application/json' },
      payload: { message: 'm-1', confirm: 'yes' },
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/dead-letters/mailer?notice=purged&count=1');
    expect(calls).toEqual(['purge mailer {"messageId":"m-1"}']);
  });
});

describe('console pages', () => {
  it('draws the overview, a failing source in its own section, with a strict content policy', async () => {
    const { app } = console({
      probe: {
        readiness: async () => {
          throw new Error('readiness down');
        },
        outboxes: async () => [],
      },
    });
    const response = await app.inject({ url: '/', headers: bearer });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('data-queue="mailer"');
    expect(response.body).toContain('Could not load this: readiness down');
  });

  it('shows a dead letter in full, escaped, with its trace linked to the waterfall or to Jaeger', async () => {
    const own = await console().app.inject({
      url: '/dead-letters/mailer/messages/m-1',
      headers: bearer,
    });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('SMTP 550 &lt;script&gt;');
    expect(own.body).not.toContain('<script>');
    expect(own.body).toContain(`href="/traces/${traceId}"`);
    expect(own.body).toContain('&quot;x-herald-error&quot;');

    const jaeger = await console({ jaegerUiUrl: 'http://jaeger.example:16686/' }).app.inject({
      url: '/dead-letters/mailer/messages/m-1',
      headers: bearer,
    });
    expect(jaeger.body).toContain(`href="http://jaeger.example:16686/trace/${traceId}"`);
  });

  it('asks before purging, and purges only once confirmed', async () => {
    const { app, calls } = console();
    const confirm = await app.inject({ url: '/dead-letters/mailer/purge?all=1', headers: bearer });
    expect(confirm.body).toContain('Delete all 1 dead letter in mailer');
    const unconfirmed = await app.inject({
      method: 'POST',
      url: '/dead-letters/mailer/purge',
      headers: bearer,
      payload: { all: '1' },
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(calls).toEqual([]);
  });

  it('draws a trace as a waterfall, and answers 404 for an unknown service or trace', async () => {
    const { app } = console();
    const trace = await app.inject({ url: `/traces/${traceId}`, headers: bearer });
    expect(trace.statusCode).toBe(200);
    expect(trace.body).toContain('POST /auth/register');
    const unknown = await app.inject({ url: '/traces/'.padEnd(40, 'f'), headers: bearer });
    expect(unknown.statusCode).toBe(404);
    expect((await app.inject({ url: '/dead-letters/scheduler', headers: bearer })).statusCode).toBe(
      404,
    );
    const html = await app.inject({
      url: '/dead-letters/nope',
      headers: { ...bearer, accept: 'text/html' },
    });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('no consuming queue');
  });

  it('replays a whole DLQ in the background and tells the page a replay is running', async () => {
    const { app, calls } = console();
    const started = await app.inject({
      method: 'POST',
      url: '/dead-letters/mailer/replay-all',
      headers: bearer,
    });
    expect(started.headers.location).toBe('/dead-letters/mailer?notice=replay-started');
    await expect.poll(() => calls).toEqual(['replay-oldest mailer']);
    const page = await app.inject({ url: '/dead-letters/mailer', headers: bearer });
    expect(page.body).toContain('Replayed 1 of 1');
  });
});
