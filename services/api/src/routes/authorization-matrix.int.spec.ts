// Every route of the running app against every kind of caller that must not get in. The routes come
// from the app's own route table, so a route added later without an entry here fails the matrix.
// Refresh-token reuse (a rotated token presented again revokes its family) is in auth.int.spec.ts.
import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '@herald/auth';
import { testKeys } from '@herald/testkit';
import {
  createHarness,
  inviteToken,
  workspaceWith,
  type Account,
  type Harness,
} from '../../test/harness.js';
import { snapshot } from '../../test/snapshot.js';

let h: Harness;
let ada: Account; // owns the workspace every request aims at
let eve: Account; // signed up, member of nothing
let mallory: Account; // member of a workspace of her own
let ivy: Account; // invited to ada's workspace, not joined yet
let ws: { id: string };
let task: { id: string };
let ivysInvite: string;

beforeAll(async () => {
  h = await createHarness();
  [ada, eve, mallory, ivy] = await Promise.all([
    h.account('ada'),
    h.account('eve'),
    h.account('mallory'),
    h.account('ivy'),
  ]);
  ws = await workspaceWith(h, ada);
  task = (await h.call('POST', `/workspaces/${ws.id}/tasks`, ada.accessToken, { title: 'Secret' }))
    .body as { id: string };
  ivysInvite = await inviteToken(h, ws.id, ada, ivy.email);
  await workspaceWith(h, mallory, [], 'Mallory Inc');
});
afterAll(async () => {
  await h.close();
});

/**
 * Open by design: signing up and in, the probes, the API's own documentation, one-click
 * unsubscribe (the signed token in its path is the authority: see unsubscribe.int.spec.ts), and
 * e-mail verification and password reset with their pages (the e-mailed single-use token is the
 * authority: see accounts.int.spec.ts).
 */
const isPublic = (route: string) =>
  /^(GET|HEAD) \/docs\b/.test(route) ||
  /^(GET|HEAD|POST) \/(unsubscribe|verify-email|reset-password)\/:token$/.test(route) ||
  [
    'POST /auth/register',
    'POST /auth/login',
    'POST /auth/refresh',
    'POST /auth/verify-email',
    'POST /auth/password-reset',
    'POST /auth/password-reset/confirm',
    'GET /healthz',
    'GET /readyz',
    'GET /openapi.json',
  ].includes(route.replace(/^HEAD /, 'GET '));

interface Fixture {
  readonly url: () => string;
  readonly body?: () => object;
  /** Who may call it, for the control that shows the request itself is acceptable. */
  readonly rightful: () => Account;
  /** A signed-in caller with no stake: 403 (OpenAPI: "Not a member"), a no-op 204, or open to all. */
  readonly stranger: 403 | 204 | 'open';
}

/** One valid request per protected route, as "METHOD /path" in the route table's spelling. */
const fixtures: Record<string, Fixture> = {
  'POST /auth/logout': {
    url: () => '/auth/logout',
    body: () => ({ refreshToken: ada.refreshToken }),
    rightful: () => ada,
    stranger: 204, // someone else's refresh token is ignored, which the snapshot confirms
  },
  'POST /workspaces': {
    url: () => '/workspaces',
    body: () => ({ name: 'Another' }),
    rightful: () => ada,
    stranger: 'open',
  },
  'POST /workspaces/:id/invites': {
    url: () => `/workspaces/${ws.id}/invites`,
    body: () => ({ email: 'new@example.test' }),
    rightful: () => ada,
    stranger: 403,
  },
  'GET /workspaces/:id/members': {
    url: () => `/workspaces/${ws.id}/members`,
    rightful: () => ada,
    stranger: 403,
  },
  'POST /workspaces/:id/tasks': {
    url: () => `/workspaces/${ws.id}/tasks`,
    body: () => ({ title: 'Planted' }),
    rightful: () => ada,
    stranger: 403,
  },
  'POST /invites/:token/accept': {
    url: () => `/invites/${ivysInvite}/accept`,
    rightful: () => ivy,
    stranger: 403,
  },
  'GET /tasks/:id': { url: () => `/tasks/${task.id}`, rightful: () => ada, stranger: 403 },
  'PATCH /tasks/:id': {
    url: () => `/tasks/${task.id}`,
    body: () => ({ status: 'done', title: 'Owned' }),
    rightful: () => ada,
    stranger: 403,
  },
  'POST /tasks/:id/assignees': {
    url: () => `/tasks/${task.id}/assignees`,
    body: () => ({ userId: ada.id }),
    rightful: () => ada,
    stranger: 403,
  },
  'POST /tasks/:id/comments': {
    url: () => `/tasks/${task.id}/comments`,
    body: () => ({ body: 'hello @ada' }),
    rightful: () => ada,
    stranger: 403,
  },
  // Each caller reads and writes only their own preferences: there is no one else's to reach.
  'GET /me/notification-preferences': {
    url: () => '/me/notification-preferences',
    rightful: () => ada,
    stranger: 'open',
  },
  'PUT /me/notification-preferences': {
    url: () => '/me/notification-preferences',
    body: () => ({ email: { digest: false } }),
    rightful: () => ada,
    stranger: 'open',
  },
};

/** "METHOD /path" for every route fastify serves, read from its printed route tree. */
function routeTable(): string[] {
  const segments: string[] = [];
  const routes: string[] = [];
  for (const line of h.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│├└─ ]*)(\S.*) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    segments.length = match[1]!.length / 4 - 1;
    segments.push(match[2]!);
    for (const method of match[3]!.split(', ')) {
      if (method !== '-') routes.push(`${method} ${segments.join('')}`);
    }
  }
  return routes.sort();
}
const protectedRoutes = () => routeTable().filter((route) => !isPublic(route));
const fixtureOf = (route: string) => fixtures[route.replace(/^HEAD /, 'GET ')];

async function send(route: string, token: string | undefined) {
  const fixture = fixtureOf(route);
  if (!fixture) return { route, missing: 'no fixture: add this route to the matrix' };
  const response = await h.app.inject({
    method: route.split(' ')[0] as 'GET',
    url: fixture.url(),
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(fixture.body ? { payload: fixture.body() } : {}),
  });
  const body = response.body ? response.json<{ error?: string; message?: string }>() : {};
  return { route, status: response.statusCode, error: body.error, message: body.message };
}

const base64url = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
/** A JWT made here, not by the API's signer, so each forgery differs from a good one in one way. */
function jwt(claims: object, privateKeyPem = testKeys.privateKeyPem, alg = 'EdDSA') {
  const unsigned = `${base64url({ alg })}.${base64url(claims)}`;
  return `${unsigned}.${sign(null, Buffer.from(unsigned), privateKeyPem).toString('base64url')}`;
}
function claimsOf(who: Account, expiresInSeconds = 3600) {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + expiresInSeconds;
  return {
    sub: who.id,
    handle: who.handle,
    name: who.name,
    iss: 'herald-api',
    aud: 'herald',
    iat,
    exp,
  };
}
const withPayload = (token: string, claims: object) =>
  token.replace(/\.[\w-]+\./, `.${base64url(claims)}.`);
function withSignatureAltered(token: string) {
  const [head, payload, signature = ''] = token.split('.');
  const flipped = signature[10] === 'A' ? 'B' : 'A';
  return `${head}.${payload}.${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
}

/** Each one claims to be ada: one that got through would reach everything she owns. */
const badTokens: [kind: string, token: () => string | undefined, message: string][] = [
  ['no token', () => undefined, 'missing bearer token'],
  ['an expired token', () => jwt(claimsOf(ada, -3600)), 'access token expired'],
  ['an altered signature', () => withSignatureAltered(ada.accessToken), 'invalid access token'],
  ['an altered payload', () => withPayload(eve.accessToken, claimsOf(ada)), 'invalid access token'],
  [
    'a token signed by another key',
    () => jwt(claimsOf(ada), generateKeyPair().privateKeyPem),
    'invalid access token',
  ],
  [
    'an unsigned token (alg none)',
    () => withPayload(jwt({}, testKeys.privateKeyPem, 'none'), claimsOf(ada)),
    'invalid access token',
  ],
];

describe('the route table', () => {
  it('has a matrix entry for every route that is not public, and none for a route that is gone', () => {
    const table = routeTable();
    expect(table).toContain('POST /workspaces/:id/tasks');
    expect(protectedRoutes().filter((route) => !fixtureOf(route))).toEqual([]);
    expect(Object.keys(fixtures).filter((route) => !table.includes(route))).toEqual([]);
  });

  it('matches /openapi.json: bearer auth and its refusals documented where enforced', async () => {
    interface Operation {
      security?: unknown;
      responses: Record<string, unknown>;
    }
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    const operation = (route: string) => {
      const [method = '', path = ''] = route.split(' ');
      return doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    };
    const table = routeTable();
    for (const route of table.filter((r) => !r.startsWith('HEAD '))) {
      const op = operation(route);
      if (isPublic(route)) {
        expect({ route, security: op?.security }).toEqual({ route, security: undefined });
        continue;
      }
      const needed = fixtureOf(route)?.stranger === 403 ? ['401', '403'] : ['401'];
      expect({
        route,
        security: op?.security,
        undocumented: needed.filter((s) => !op?.responses[s]),
      }).toEqual({ route, security: [{ bearerAuth: [] }], undocumented: [] });
    }
  });
});

describe('callers without a valid access token', () => {
  it('control: a token made here with the real key is accepted, so the forgeries fail on their flaw', async () => {
    expect(await send('GET /tasks/:id', jwt(claimsOf(ada)))).toMatchObject({ status: 200 });
  });

  it.each(badTokens)(
    '%s: 401 on every protected route, nothing written',
    async (_kind, token, message) => {
      const before = await snapshot(h.db);
      const results = [];
      for (const route of protectedRoutes()) results.push(await send(route, token()));
      expect(results).toEqual(
        protectedRoutes().map((route) =>
          route.startsWith('HEAD ')
            ? { route, status: 401, error: undefined, message: undefined }
            : { route, status: 401, error: 'HERALD_UNAUTHORIZED', message },
        ),
      );
      expect(await snapshot(h.db)).toEqual(before);
    },
  );
});

describe('signed-in callers with no stake in the workspace', () => {
  it.each([
    ['an outsider (member of nothing)', () => eve],
    ['a member of another workspace', () => mallory],
  ])('%s: refused on every member route, nothing written', async (_kind, caller) => {
    const routes = protectedRoutes().filter((route) => fixtureOf(route)?.stranger !== 'open');
    const before = await snapshot(h.db);
    const results = [];
    for (const route of routes) {
      const { status, error } = await send(route, caller().accessToken);
      results.push({ route, status, error });
    }
    expect(results).toEqual(
      routes.map((route) => {
        const status = fixtureOf(route)?.stranger;
        const error = status === 403 && !route.startsWith('HEAD ') ? 'HERALD_FORBIDDEN' : undefined;
        return { route, status, error };
      }),
    );
    expect(await snapshot(h.db)).toEqual(before);
  });
});

describe('the rightful caller (control, runs last: it writes)', () => {
  it('still sees the task and members as they were, then gets a 2xx on every protected route', async () => {
    expect((await h.call('GET', `/tasks/${task.id}`, ada.accessToken)).body).toMatchObject({
      title: 'Secret',
      status: 'todo',
      assigneeIds: [],
    });
    const members = await h.call('GET', `/workspaces/${ws.id}/members`, ada.accessToken);
    expect(members.body.members?.map((m) => m.handle)).toEqual(['ada']);

    const results = [];
    for (const route of protectedRoutes()) {
      const { status } = await send(route, fixtureOf(route)?.rightful().accessToken);
      results.push({ route, ok: status !== undefined && status >= 200 && status < 300, status });
    }
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
