import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHarness,
  inviteToken,
  workspaceWith,
  type Account,
  type Harness,
} from '../test/harness.js';

let h: Harness;
let ada: Account;
let eve: Account;
let ws: { id: string };
let task: { id: string };
let inviteToSomeone: string;
beforeAll(async () => {
  h = await createHarness();
  ada = await h.account('ada');
  eve = await h.account('eve');
  ws = await workspaceWith(h, ada);
  const created = await h.call<{ id: string }>(
    'POST',
    `/workspaces/${ws.id}/tasks`,
    ada.accessToken,
    {
      title: 'Secret',
    },
  );
  task = created.body;
  inviteToSomeone = await inviteToken(h, ws.id, ada, 'someone@example.test');
  // eve has a workspace of her own: being a member somewhere must not open ada's.
  await workspaceWith(h, eve, [], 'Eve Corp');
});
afterAll(async () => {
  await h.close();
});

interface Route {
  readonly route: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly url: () => string;
  readonly body?: () => object;
}
const workspaceAndTaskRoutes: Route[] = [
  { route: '/workspaces/:id/members', method: 'GET', url: () => `/workspaces/${ws.id}/members` },
  {
    route: '/workspaces/:id/invites',
    method: 'POST',
    url: () => `/workspaces/${ws.id}/invites`,
    body: () => ({ email: 'x@example.test' }),
  },
  {
    route: '/workspaces/:id/tasks',
    method: 'POST',
    url: () => `/workspaces/${ws.id}/tasks`,
    body: () => ({ title: 'Mine now' }),
  },
  { route: '/tasks/:id', method: 'GET', url: () => `/tasks/${task.id}` },
  {
    route: '/tasks/:id',
    method: 'PATCH',
    url: () => `/tasks/${task.id}`,
    body: () => ({ status: 'done' }),
  },
  {
    route: '/tasks/:id/assignees',
    method: 'POST',
    url: () => `/tasks/${task.id}/assignees`,
    body: () => ({ userId: eve.id }),
  },
  {
    route: '/tasks/:id/comments',
    method: 'POST',
    url: () => `/tasks/${task.id}/comments`,
    body: () => ({ body: 'hello @ada' }),
  },
];

describe('authorisation', () => {
  it.each(workspaceAndTaskRoutes)(
    'refuses a non-member of the workspace: $method $route -> 403, nothing written',
    async ({ method, url, body }) => {
      const before = (await h.outbox()).length;
      const response = await h.call(method, url(), eve.accessToken, body?.());
      expect(response).toMatchObject({ status: 403, body: { error: 'HERALD_FORBIDDEN' } });
      expect((await h.outbox()).length).toBe(before);
    },
  );

  const unknownId = '00000000-0000-4000-8000-000000000000';
  it.each(workspaceAndTaskRoutes)(
    'answers 404 for unknown ids: $method $route',
    async ({ method, url, body }) => {
      const unknown = url().replace(ws.id, unknownId).replace(task.id, unknownId);
      const response = await h.call(method, unknown, ada.accessToken, body?.());
      expect(response).toMatchObject({ status: 404, body: { error: 'HERALD_NOT_FOUND' } });
    },
  );

  const protectedRoutes: Route[] = [
    ...workspaceAndTaskRoutes,
    { route: '/workspaces', method: 'POST', url: () => '/workspaces' },
    {
      route: '/invites/:token/accept',
      method: 'POST',
      url: () => `/invites/${inviteToSomeone}/accept`,
    },
    { route: '/auth/logout', method: 'POST', url: () => '/auth/logout' },
  ];
  it.each(protectedRoutes)(
    'needs a valid bearer token, before looking at the body: $method $route -> 401',
    async ({ method, url }) => {
      for (const headers of [
        {},
        { authorization: 'Bearer not.a.token' },
        { authorization: 'Basic eA==' },
      ]) {
        const response = await h.app.inject({
          method,
          url: url(),
          headers: { ...headers, 'content-type': 'application/json' },
          payload: '{"broken',
        });
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ error: 'HERALD_UNAUTHORIZED' });
      }
    },
  );
});

describe('malformed input gets 4xx with a reason, never 5xx', () => {
  const post = (url: string, payload: string, contentType = 'application/json') =>
    h.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${ada.accessToken}`, 'content-type': contentType },
      payload,
    });
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it.each([
    ['broken JSON', () => '/workspaces', '{"name":', 400, /JSON/i],
    ['wrong type', () => '/workspaces', '{"name":42}', 400, /name/],
    ['unknown field', () => '/workspaces', '{"name":"x","admin":true}', 400, /admin/],
    ['bad key', () => '/workspaces', '{"name":"x","key":"W1"}', 400, /key/],
    [
      'wrong types',
      () => `/workspaces/${ws.id}/tasks`,
      '{"title":["x"],"dueDate":5}',
      400,
      /title.*dueDate|dueDate.*title/s,
    ],
    [
      'bad date',
      () => `/workspaces/${ws.id}/tasks`,
      '{"title":"x","dueDate":"tomorrow"}',
      400,
      /dueDate/,
    ],
    [
      'bad assignee id',
      () => `/workspaces/${ws.id}/tasks`,
      '{"title":"x","assigneeIds":["me"]}',
      400,
      /assigneeIds/,
    ],
    [
      'bad e-mail',
      () => `/workspaces/${ws.id}/invites`,
      '{"email":"not-an-address"}',
      400,
      /email/,
    ],
    [
      'deeply nested array',
      () => `/workspaces/${ws.id}/tasks`,
      `{"title":${deep(5_000)}}`,
      400,
      /title/,
    ],
    [
      'deeply nested object',
      () => `/tasks/${task.id}/comments`,
      `{"body":"x","n":${deepObject(3_000)}}`,
      400,
      /n/,
    ],
    [
      'oversize body',
      () => `/tasks/${task.id}/comments`,
      JSON.stringify({ body: 'x'.repeat(70_000) }),
      413,
      /large/i,
    ],
    ['not an object', () => '/workspaces', '[1,2]', 400, /body/],
    ['null body', () => '/workspaces', 'null', 400, /body/],
    [
      'prototype pollution',
      () => '/workspaces',
      '{"name":"x","__proto__":{"admin":true}}',
      400,
      /JSON/,
    ],
  ])('%s', async (_what, url, payload, status, reason) => {
    const response = await post(url(), payload);
    expect(response.statusCode).toBe(status);
    expect(response.json<{ message: string }>().message).toMatch(reason);
  });

  it('refuses a non-JSON content type (415) and a malformed id in the path (400)', async () => {
    expect(
      (await post('/workspaces', 'name=x', 'application/x-www-form-urlencoded')).statusCode,
    ).toBe(415);
    const badId = await h.call('GET', '/tasks/not-a-uuid', ada.accessToken);
    expect(badId).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/id/) as string },
    });
  });
});

describe('documentation', () => {
  it('serves the OpenAPI document with every route and the bearer scheme', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    interface Operation {
      security?: unknown;
      requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
    }
    const doc = response.json<{
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/auth/login',
        '/auth/logout',
        '/auth/password-reset',
        '/auth/password-reset/confirm',
        '/auth/refresh',
        '/auth/register',
        '/auth/verify-email',
        '/healthz',
        '/invites/{token}/accept',
        '/me/notification-preferences',
        '/readyz',
        '/tasks/{id}',
        '/tasks/{id}/assignees',
        '/tasks/{id}/comments',
        '/reset-password/{token}',
        '/unsubscribe/{token}',
        '/verify-email/{token}',
        '/workspaces',
        '/workspaces/{id}/invites',
        '/workspaces/{id}/members',
        '/workspaces/{id}/tasks',
      ].sort(),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ scheme: 'bearer' });
    const createTask = doc.paths['/workspaces/{id}/tasks']?.post;
    expect(createTask?.security).toEqual([{ bearerAuth: [] }]);
    expect(createTask?.requestBody?.content['application/json']?.schema.required).toEqual([
      'title',
    ]);
    expect(doc.paths['/auth/login']?.post?.security).toBeUndefined();
    // The one-click POST takes a form, as mail clients send it (RFC 8058), and no login.
    const oneClick = doc.paths['/unsubscribe/{token}']?.post;
    expect(Object.keys(oneClick?.requestBody?.content ?? {})).toEqual([
      'application/x-www-form-urlencoded',
    ]);
    expect(oneClick?.security).toBeUndefined();
  });

  it('serves the interactive page from the npm package, with no CDN', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    // swagger-ui's policy for its own scripts, not the API's allow-nothing one.
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) {
      expect(source).not.toMatch(/^(https?:)?\/\//);
      const asset = await h.app.inject({
        method: 'GET',
        url: new URL(source, 'http://x/docs/').pathname,
      });
      expect({ source, status: asset.statusCode }).toEqual({ source, status: 200 });
    }
  });
});
