// Hostile request bodies on every kind of route: each gets a 4xx with its reason in the error
// shape, never a 5xx, and leaves the database exactly as it was. The basic malformed-body cases
// (broken JSON, a top-level __proto__, 5k-deep nesting, one oversize comment) are in app.int.spec.ts.
// How names and comments come out in e-mails is asserted over real SMTP in pipeline.e2e.spec.ts
// and mailer-delivery.e2e.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, workspaceWith, type Account, type Harness } from '../../test/harness.js';
import { snapshot } from '../../test/snapshot.js';

let h: Harness;
let ada: Account;
let ws: { id: string };
let task: { id: string };
beforeAll(async () => {
  h = await createHarness();
  ada = await h.account('ada');
  ws = await workspaceWith(h, ada);
  task = (await h.call('POST', `/workspaces/${ws.id}/tasks`, ada.accessToken, { title: 'Launch' }))
    .body as { id: string };
});
afterAll(async () => {
  await h.close();
});

const signUp = (fields: object) => ({
  email: 'mallory@example.test',
  password: 'long enough',
  name: 'Mallory',
  handle: 'mallory',
  ...fields,
});
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number, inner = '1') =>
  '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

interface Hostile {
  readonly method?: 'POST' | 'PATCH';
  readonly url: () => string;
  /** An object is sent as JSON; a string is sent as it is. */
  readonly payload: object | string;
  readonly contentType?: string | null;
  readonly anonymous?: boolean;
  readonly status: number;
  readonly reason: RegExp;
}
const register = () => '/auth/register';
const workspaces = () => '/workspaces';
const invites = () => `/workspaces/${ws.id}/invites`;
const tasks = () => `/workspaces/${ws.id}/tasks`;
const theTask = () => `/tasks/${task.id}`;
const comments = () => `/tasks/${task.id}/comments`;

const cases: Record<string, Hostile> = {
  // Header injection and other control characters: names and titles end up in mail headers.
  'CRLF and a Bcc header in a name': {
    url: register,
    payload: signUp({ name: 'Mallory\r\nBcc: x@y.z' }),
    status: 400,
    reason: /\/name .*control characters/,
  },
  'CRLF and a Bcc header in the e-mail': {
    url: register,
    payload: signUp({ email: 'a@b.c\r\nBcc: x@y.z' }),
    status: 400,
    reason: /\/email/,
  },
  'NUL in a name': {
    url: register,
    payload: signUp({ name: 'Mal\u0000lory' }),
    status: 400,
    reason: /\/name/,
  },
  'a lone surrogate in a name (it would be stored as U+FFFD, not as sent)': {
    url: register,
    payload: signUp({ name: 'Mal\ud800lory' }),
    status: 400,
    reason: /\/name/,
  },
  'CRLF in a handle': {
    url: register,
    payload: signUp({ handle: 'mal\r\nlory' }),
    status: 400,
    reason: /\/handle/,
  },
  'CRLF and a Bcc header in an invited e-mail': {
    url: invites,
    payload: { email: 'a@b.c\r\nBcc: x@y.z' },
    status: 400,
    reason: /\/email/,
  },
  'CRLF in a workspace name': {
    url: workspaces,
    payload: { name: 'Acme\r\nBcc: x@y.z' },
    status: 400,
    reason: /\/name/,
  },
  'a control character in a task title': {
    url: tasks,
    payload: { title: 'Ring\u0007' },
    status: 400,
    reason: /\/title/,
  },
  'CRLF in a task title on update': {
    method: 'PATCH',
    url: theTask,
    payload: { title: 'Launch\r\nBcc: x@y.z' },
    status: 400,
    reason: /\/title/,
  },
  'NUL in a task description': {
    url: tasks,
    payload: { title: 'x', description: 'a\u0000b' },
    status: 400,
    reason: /\/description/,
  },
  'a terminal escape sequence in a comment': {
    url: comments,
    payload: { body: 'hi \u001b[2J' },
    status: 400,
    reason: /\/body/,
  },
  // Prototype pollution.
  '__proto__ at sign-up': {
    url: register,
    payload: `{"email":"m@example.test","password":"long enough","name":"M","handle":"mm","__proto__":{"polluted":1}}`,
    status: 400,
    reason: /prototype property/,
  },
  'constructor.prototype in a task': {
    url: tasks,
    payload: '{"title":"x","constructor":{"prototype":{"polluted":1}}}',
    status: 400,
    reason: /prototype property/,
  },
  '__proto__ ten thousand levels down': {
    url: comments,
    payload: `{"body":${deepObject(10_000, '{"__proto__":{"polluted":1}}')}}`,
    status: 400,
    reason: /JSON/,
  },
  // Nesting.
  'a 10k-deep array as a comment': {
    url: comments,
    payload: `{"body":${deepArray(10_000)}}`,
    status: 400,
    reason: /\/body/,
  },
  'a 10k-deep object as a name at sign-up': {
    url: register,
    payload: `{"email":"m@example.test","password":"long enough","handle":"mm","name":${deepObject(10_000)}}`,
    status: 400,
    reason: /\/name/,
  },
  // Extra properties: fields the server decides must not be settable by the client.
  'an authorId on a comment': {
    url: comments,
    payload: { body: 'hi', authorId: '00000000-0000-4000-8000-000000000000' },
    status: 400,
    reason: /authorId/,
  },
  'a workspaceId on a task update': {
    method: 'PATCH',
    url: theTask,
    payload: { title: 'Moved', workspaceId: '00000000-0000-4000-8000-000000000000' },
    status: 400,
    reason: /workspaceId/,
  },
  'a role at sign-up': {
    url: register,
    payload: signUp({ role: 'admin' }),
    status: 400,
    reason: /role/,
  },
  'an assignedBy on an assignment': {
    url: () => `/tasks/${task.id}/assignees`,
    payload: { userId: '00000000-0000-4000-8000-000000000000', assignedBy: 'x' },
    status: 400,
    reason: /assignedBy/,
  },
  // Wrong types.
  'every field of the wrong type at sign-up': {
    url: register,
    payload: { email: ['a@b.c'], password: 12345678, name: {}, handle: null },
    status: 400,
    reason: /email.*password.*name.*handle/s,
  },
  'a status outside the enum': {
    method: 'PATCH',
    url: theTask,
    payload: { status: 'deleted' },
    status: 400,
    reason: /\/status/,
  },
  'a number as a refresh token': {
    url: () => '/auth/refresh',
    payload: { refreshToken: 42 },
    status: 400,
    reason: /refreshToken/,
  },
  // Size: fastify's bodyLimit is 64 KiB.
  'an oversized sign-up': {
    url: register,
    payload: signUp({ name: 'x'.repeat(70_000) }),
    status: 413,
    reason: /too large/i,
  },
  'an oversized body without a token (refused before it is read)': {
    url: workspaces,
    payload: { name: 'x'.repeat(70_000) },
    anonymous: true,
    status: 401,
    reason: /bearer/,
  },
  // Content types and malformed JSON.
  XML: {
    url: workspaces,
    payload: '<name>x</name>',
    contentType: 'application/xml',
    status: 415,
    reason: /media type/i,
  },
  multipart: {
    url: register,
    payload: '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--x--',
    contentType: 'multipart/form-data; boundary=x',
    status: 415,
    reason: /media type/i,
  },
  'no content type': {
    url: workspaces,
    payload: '{"name":"x"}',
    contentType: null,
    status: 415,
    reason: /media type/i,
  },
  'JSON sent as text/plain': {
    url: () => '/auth/login',
    payload: '{"email":"ada@example.test","password":"x"}',
    contentType: 'text/plain',
    status: 400,
    reason: /expected object/,
  },
  'an empty JSON body': { url: workspaces, payload: '', status: 400, reason: /empty/i },
  'a trailing comma': { url: workspaces, payload: '{"name":"x",}', status: 400, reason: /JSON/ },
  'single quotes': { url: workspaces, payload: "{'name':'x'}", status: 400, reason: /JSON/ },
  NaN: { url: tasks, payload: '{"title":NaN}', status: 400, reason: /JSON/ },
};

describe('hostile input gets a 4xx with its reason and writes nothing', () => {
  it.each(Object.entries(cases))('%s', async (_what, hostile) => {
    const before = await snapshot(h.db);
    const { contentType = 'application/json', payload } = hostile;
    const response = await h.app.inject({
      method: hostile.method ?? 'POST',
      url: hostile.url(),
      headers: {
        ...(hostile.anonymous ? {} : { authorization: `Bearer ${ada.accessToken}` }),
        ...(contentType === null ? {} : { 'content-type': contentType }),
      },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    const body = response.json<{ error: string; message: string }>();
    // Not toMatchObject: it takes a RegExp for an object with no keys and lets any string through.
    expect(response.statusCode, response.body).toBe(hostile.status);
    expect(body.error).toMatch(/^HERALD_[A-Z_]+$/);
    expect(body.message).toMatch(hostile.reason);
    expect(await snapshot(h.db)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('markup in names and comments', () => {
  const post = (url: string, payload: object, token?: string) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload,
    });

  it("is data: stored as typed and answered as JSON (escaping is the renderer's job)", async () => {
    const name = '<img src=x onerror=alert(1)>';
    const user = await post(
      '/auth/register',
      signUp({ name, email: 'markup@example.test', handle: 'markup' }),
    );
    expect(user.statusCode).toBe(202);
    expect(user.headers['content-type']).toMatch(/^application\/json/);
    const [registered] = (await h.events('user.registered')).filter((e) => e.handle === 'markup');
    expect(registered).toMatchObject({ name });
    expect(await h.stored('users', registered?.userId)).toMatchObject({ name });

    const body = '<script>alert(1)</script> @ada';
    const comment = await post(comments(), { body }, ada.accessToken);
    expect(comment.statusCode).toBe(201);
    expect(comment.headers['content-type']).toMatch(/^application\/json/);
    expect(await h.stored('comments', comment.json<{ id: string }>().id)).toMatchObject({ body });
  });
});
