// Accounts over the real API, broker, mailer, notifier and SMTP, each link read from the e-mail
// that carries it and opened as a browser would (the page, then its form): register -> verify ->
// accept an invite, and reset -> new password. Each wait is for a state, never a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import {
  HeraldClient,
  acceptPathMailedTo,
  deleteNamespace,
  freePort,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  uniqueNamespace,
  type ReceivedMail,
  type RunningService,
  type TestSmtpServer,
} from '@herald/testkit';
import { storedEvents } from './support/effects.js';
import { handled as handledBy } from './support/processed.js';

const namespace = uniqueNamespace('accounts');
const dbName = (service: string) =>
  new URL(mongoUrlForTest(`${namespace}${service}`)).pathname.slice(1);

let smtp: TestSmtpServer;
let services: RunningService[] = [];
let api: HeraldClient;
let publicUrl: string;
let mongo: MongoClient;

const db = (service: string): Db => mongo.db(dbName(service));

beforeAll(async () => {
  smtp = await startSmtpServer();
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  const env = (service: string) => ({
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrlForTest(`${namespace}${service}`),
    PUBLIC_URL: publicUrl,
  });
  // Consumers first, so their queues exist before the API publishes.
  const mailer = await startService('mailer', { ...env('mailer'), SMTP_URL: smtp.url });
  const notifier = await startService('notifier', env('notifier'));
  const apiService = await startService('api', { ...env('api'), PORT: String(port) });
  services = [apiService, notifier, mailer];
  api = new HeraldClient(apiService.url);
  mongo = await MongoClient.connect(servers.mongo);
});

afterAll(async () => {
  for (const service of services) expect(await service.stop()).toBe(0);
  await smtp?.close();
  for (const service of ['api', 'mailer', 'notifier']) await db(service).dropDatabase();
  await mongo?.close();
  await deleteNamespace(namespace);
});

/** The one e-mail to `email` whose subject matches, once it arrived. */
async function mailTo(email: string, subject: RegExp): Promise<ReceivedMail> {
  const matches = (m: ReceivedMail) => m.to.includes(email) && subject.test(m.subject);
  const mails = await smtp.waitFor((all) => all.some(matches));
  const found = mails.filter(matches);
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The page link of an e-mail: under PUBLIC_URL, a 43-character token in its path. */
function pageLink(mail: ReceivedMail, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`(https?://\\S+/${page}/[\\w-]{43})(?![\\w-])`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${page} link in:\n${mail.text}`);
  expect(match[1].startsWith(`${publicUrl}/${page}/`)).toBe(true);
  expect(mail.html).toContain(`href="${match[1]}"`);
  return match[1];
}

/** Opens a link as a browser: the page (a form, no script), then submits its form to the page. */
async function openAndSubmit(link: string, form: Record<string, string>): Promise<string> {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<form method="post">');
  expect(html).not.toContain('<script');
  const submitted = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  expect(submitted.status).toBe(200);
  return submitted.text();
}

/** Waits until a consumer has completely handled an event. */
const handled = (service: 'mailer' | 'notifier', eventId: string) =>
  handledBy(db(service), service, eventId);

describe('accounts, end to end', () => {
  it('register -> verification e-mail -> page -> verified -> accept an invite; an unverified invitee is refused and not told in-app', async () => {
    const ada = await api.signUp({ email: 'ada@example.test', name: 'Ada', handle: 'ada' });
    await openAndSubmit(pageLink(await mailTo(ada.email, /verify your e-mail/i), 'verify-email'), {
      confirm: 'yes',
    });
    const { id: workspaceId } = await ada.api.expect<{ id: string }>(201, 'POST', '/workspaces', {
      name: 'Corp',
    });

    // Registering Ada's address again: the same answer, her account untouched, a notice to her.
    const again = await api.request('POST', '/auth/register', {
      email: 'ada@example.test',
      name: 'Not Ada',
      handle: 'notada',
      password: 'the impostor password',
    });
    expect(again).toEqual({ status: 202, json: { status: 'verification-sent' } });
    await mailTo(ada.email, /tried to register with your address/);

    const hire = await api.signUp({ email: 'hire@example.test', name: 'Hire', handle: 'hire' });
    await ada.api.expect(201, 'POST', `/workspaces/${workspaceId}/invites`, { email: hire.email });
    const accept = await acceptPathMailedTo(smtp, hire.email);
    const refused = await hire.api.request('POST', accept);
    expect(refused).toMatchObject({ status: 403, json: { error: 'HERALD_EMAIL_UNVERIFIED' } });
    const [invited] = (await storedEvents(db('api'))).filter(
      (e) => e.type === 'workspace.member-invited',
    );
    await handled('notifier', invited!.id);
    const invitesShown = await db('notifier')
      .collection('notifications')
      .countDocuments({ userId: hire.id, kind: 'workspace-invite' });
    expect(invitesShown).toBe(0);

    const verified = await openAndSubmit(
      pageLink(await mailTo(hire.email, /verify your e-mail/i), 'verify-email'),
      { confirm: 'yes' },
    );
    expect(verified).toContain('verified');
    const joined = await hire.api.expect<{ joined: boolean }>(200, 'POST', accept);
    expect(joined.joined).toBe(true);
  });

  it('reset e-mail -> page -> new password: the old one and every session stop working, the owner is told', async () => {
    const grace = await api.signUp({ email: 'grace@example.test', name: 'Grace', handle: 'grace' });
    const password = 'correct horse battery';
    expect(await api.request('POST', '/auth/password-reset', { email: grace.email })).toEqual({
      status: 202,
      json: { status: 'reset-requested' },
    });
    expect(
      await api.request('POST', '/auth/password-reset', { email: 'nobody@example.test' }),
    ).toEqual({ status: 202, json: { status: 'reset-requested' } });

    const link = pageLink(
      await mailTo(grace.email, /reset your herald password/i),
      'reset-password',
    );
    expect(await openAndSubmit(link, { password: 'a new and long password' })).toContain(
      'Password changed',
    );
    await mailTo(grace.email, /your herald password was changed/i);

    const login = (pw: string) =>
      api.request('POST', '/auth/login', { email: grace.email, password: pw });
    expect((await login(password)).status).toBe(401);
    expect((await login('a new and long password')).status).toBe(200);
    const refreshed = await api.request('POST', '/auth/refresh', {
      refreshToken: grace.session.refreshToken,
    });
    expect(refreshed.status).toBe(401);
    // Used once: the link's form refuses a second password.
    const second = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'password=yet+another+password',
    });
    expect(second.status).toBe(410);
    expect(smtp.messages.filter((m) => m.to.includes('nobody@example.test'))).toEqual([]);
  });
});
