// The operations console in a real browser (Debian's Chromium via playwright-core) against the
// real system: every service as a process, two scheduler replicas, RabbitMQ, the store, Jaeger.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connect, type ChannelModel } from 'amqplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo } from '@herald/store';
import {
  HeraldClient,
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  servers,
  startService,
  startSmtpServer,
  startSystem,
  uniqueNamespace,
  type RunningService,
  type RunningSystem,
  type TestSmtpServer,
} from '@herald/testkit';
import { poisonMessages, publishPoison } from './chaos/poison.js';
import { openBrowser, screenshotDir, type Browser } from './support/browser.js';
import { heartbeatSchedulerEnv } from './support/heartbeats.js';

const namespace = uniqueNamespace('console');
const token = randomBytes(24).toString('base64url');
const schedulerMongo = mongoUrlForTest(`${namespace}scheduler`);
const shots = screenshotDir();

let smtp: TestSmtpServer;
let system: RunningSystem;
let schedulers: RunningService[] = [];
let consoleService: RunningService;
let broker: ChannelModel;
let browser: Browser;
let page: Page;
let api: HeraldClient;

const screenshot = (name: string, target: Page = page) =>
  target.screenshot({ path: join(shots, `${name}.png`) });

/** The visible text of an element the page keeps live, read without reloading. */
const textOf = async (selector: string) =>
  (await page
    .locator(selector)
    .textContent({ timeout: 1_000 })
    .catch(() => null)) ?? '';

/** Browser-side expressions as text: this package compiles without the DOM library. */
const inBrowser = <T>(expression: string) => page.evaluate<T>(expression);

beforeAll(async () => {
  const jaeger = await fetch(`${servers.jaegerQuery}/api/services`).catch(() => undefined);
  if (!jaeger?.ok) {
    throw new Error(
      `Jaeger is not answering at ${servers.jaegerQuery}: npm test starts it (scripts/jaeger.sh up)`,
    );
  }
  smtp = await startSmtpServer();
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: servers.otlp,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  system = await startSystem({
    namespace,
    env: { SMTP_URL: smtp.url, RATE_LIMIT_MAX: '10000', ...otel },
  });
  const consumers = (['mailer', 'notifier', 'activity', 'api'] as const)
    .map((name) => `${name}=${system.services[name]!.url}`)
    .join(',');
  const schedulerEnv = {
    ...heartbeatSchedulerEnv({
      namespace,
      mongoUrl: schedulerMongo,
      leaseTtlMs: 3_000,
      renewMs: 1_000,
    }),
    PIPELINE_TARGETS: consumers,
  };
  schedulers = await Promise.all(
    ['replica-a', 'replica-b'].map((holder) =>
      startService('scheduler', { ...schedulerEnv, HOLDER_ID: holder }),
    ),
  );
  consoleService = await startService('console', {
    CONSOLE_TOKEN: token,
    RABBITMQ_URL: servers.rabbitmq,
    RABBITMQ_MANAGEMENT_URL: servers.management,
    HERALD_NAMESPACE: namespace,
    SERVICE_URLS: [consumers, ...schedulers.map((s) => `scheduler=${s.url}`)].join(','),
    JAEGER_QUERY_URL: servers.jaegerQuery,
    LIVE_INTERVAL_MS: '500',
    REPLAY_RATE: '20',
  });
  broker = await connect(servers.rabbitmq);
  broker.on('error', () => undefined);
  api = new HeraldClient(system.services.api!.url);
  browser = await openBrowser();
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await broker?.close().catch(() => undefined);
  await consoleService?.stop();
  for (const s of schedulers) await s.stop('SIGKILL');
  await system?.stop();
  await smtp?.close();
  const { client, db } = await connectMongo(schedulerMongo, 'cleanup');
  await db.dropDatabase();
  await client.close();
  await deleteNamespace(namespace);
});

/**
 * Registers a user through the API; the mailer's welcome e-mail is the side effect to count (the
 * verification e-mail of the same registration is a dead letter or a mail of its own).
 */
async function register(label: string) {
  const handle = `${label}${randomBytes(3).toString('hex')}`;
  const email = `${handle}@example.test`;
  await api.expect(202, 'POST', '/auth/register', {
    email,
    name: label,
    handle,
    password: 'correct horse battery',
  });
  return email;
}

const mailsTo = (email: string) =>
  smtp.messages.filter((m) => m.to.includes(email) && /^Welcome to Herald/.test(m.subject)).length;

/** The dead letter of a registration's welcome e-mail (its verification e-mail has a row too). */
const welcomeRow = (email: string) =>
  page.locator('#messages tr', { hasText: email }).filter({ hasText: 'user.registered' });

// Each step waits on several processes at once; on a busy 2-core machine that takes a while.
describe('operations console', { timeout: 120_000 }, () => {
  it('sends a browser to sign in, and signs in with the operator token from the keyboard', async () => {
    await page.goto(`${consoleService.url}/dead-letters`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await expect.poll(() => inBrowser<string>('document.activeElement.id')).toBe('token');
    await screenshot('sign-in');

    await page.keyboard.type('not the token');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('not the operator token');

    await page.getByLabel('Operator token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/dead-letters');
    const cookie = (await browser.context.cookies()).find(
      (c) => c.name === 'herald_console_session',
    );
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  });

  it('shows every consumer queue with its consumers, live, and each service ready', async () => {
    await page.goto(consoleService.url);
    for (const service of ['api', 'mailer', 'notifier', 'activity']) {
      // Consumers column of the service's row: the broker's stats arrive every few seconds.
      await eventually(
        `${service}'s queue with a consumer`,
        async () => Number(await textOf(`tr[data-queue="${service}"] td:nth-of-type(3)`)) >= 1,
        30_000,
      );
    }
    await eventually(
      'every service ready and heartbeats flowing',
      async () =>
        !(await textOf('#services')).match(/not-ready|unreachable/) &&
        (await textOf('#pipeline')).split('ok').length - 1 >= 4,
      30_000,
    );
    await screenshot('overview');
    const phone = await browser.newPage({ width: 390, height: 844 });
    await phone.goto(consoleService.url);
    await phone.locator('tr[data-queue="mailer"]').waitFor();
    await screenshot('overview-phone', phone);
    await phone.close();
  });

  it("shows a poison message in that service's DLQ page with its reason, without reloading", async () => {
    await page.goto(`${consoleService.url}/dead-letters/notifier`);
    await inBrowser('window.notReloaded = true');
    const [invalidJson] = poisonMessages(namespace);
    await publishPoison(broker, namespace, [invalidJson!]);

    const row = page.locator('#messages tr', { hasText: 'invalid JSON' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('invalid');
    expect(await inBrowser<boolean>('window.notReloaded === true')).toBe(true);
    await screenshot('dead-letters');
  });

  it('replays a dead letter from the page once the handler recovers: the e-mail goes out once', async () => {
    smtp.refuse(550);
    const email = await register('ada');
    await page.goto(`${consoleService.url}/dead-letters/mailer.critical`);
    const row = welcomeRow(email);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toMatch(/user\.registered[\s\S]*permanent[\s\S]*SMTP 550/);
    const messageId = await row.getAttribute('data-message-id');

    await row.getByRole('link', { name: messageId!, exact: true }).click();
    await page.getByRole('heading', { name: 'Headers' }).waitFor();
    expect(await page.locator('pre[aria-label="Body"]').textContent()).toContain(email);
    expect(await page.locator('.facts').textContent()).toContain('user.registered');
    expect(await page.locator('pre[aria-label="Headers"]').textContent()).toMatch(
      /"x-herald-error-kind": "permanent"[\s\S]*"x-herald-original-routing-key": "user.registered"/,
    );
    await screenshot('dead-letter');

    // The trace of the request that caused it, drawn from Jaeger's query API.
    await page.locator('.facts a[href^="/traces/"]').click();
    await eventually(
      'the trace with the api and the mailer in it',
      async () => {
        const text = (await page.locator('main').textContent()) ?? '';
        if (text.includes('api') && text.includes('mailer')) return true;
        await page.reload();
        return false;
      },
      30_000,
    );
    expect(await page.locator('table.waterfall tbody tr').count()).toBeGreaterThan(2);
    await screenshot('trace');

    smtp.accept();
    await page.goto(`${consoleService.url}/dead-letters/mailer.critical`);
    const replay = page.getByRole('button', { name: `Replay ${messageId!}` });
    await replay.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Replayed 1 message' }).waitFor();
    await smtp.waitFor((all) => all.some((m) => m.to.includes(email)));
    await welcomeRow(email).waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 1_000)); // room for a stray second delivery
    expect(mailsTo(email)).toBe(1);
  });

  it('replays a whole DLQ at the configured rate with a progress bar, each message once', async () => {
    smtp.refuse(550);
    const emails = [await register('bob'), await register('cy'), await register('dee')];
    await page.goto(`${consoleService.url}/dead-letters/mailer.critical`);
    for (const email of emails) {
      await welcomeRow(email).waitFor({ timeout: 20_000 });
    }
    // Account mail has its own lane and DLQ: each registration left two dead letters there
    // (welcome, verification), and ada's verification from the test before is there too.
    const dead = 1 + 2 * emails.length;
    await eventually('every dead letter listed', async () => {
      if ((await page.locator('#messages tbody tr').count()) === dead) return true;
      await page.reload();
      return false;
    });
    smtp.accept();
    await page.getByRole('button', { name: 'Replay all' }).click();
    await page.getByText(`Replayed ${dead} of ${dead}`).waitFor({ timeout: 20_000 });
    expect(await page.locator('#replay progress').getAttribute('value')).toBe(String(dead));
    await smtp.waitFor(() => emails.every((e) => mailsTo(e) > 0));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(emails.map(mailsTo)).toEqual([1, 1, 1]);
    await eventually(
      'the DLQ empty',
      async () => (await page.locator('#messages tbody tr').count()) === 0,
    );
  });

  it('purges a dead letter only after a confirmation', async () => {
    await page.goto(`${consoleService.url}/dead-letters/notifier`);
    await page.getByRole('link', { name: 'Purge all' }).click();
    await page.getByRole('alertdialog').waitFor();
    await page.getByRole('button', { name: 'Purge' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Purged [1-9]\d* message/ })
      .waitFor();
    await page.getByText("No dead letters in notifier's DLQ.").waitFor();
  });

  it("shows the scheduler's leader change after the leader is killed, without reloading", async () => {
    await page.goto(`${consoleService.url}/scheduler`);
    const first = await eventually(
      'a leader',
      async () => (await textOf('#leader-holder')) || false,
    );
    const leader = schedulers[['replica-a', 'replica-b'].indexOf(first)]!;
    const firstToken = Number(await textOf('#leader-token'));
    await page.locator('#schedules table').first().waitFor();

    await leader.stop('SIGKILL');
    const next = await eventually(
      'the other replica leading',
      async () => {
        const holder = await textOf('#leader-holder');
        return holder && holder !== first && (await textOf('#leader')).includes('leading')
          ? holder
          : false;
      },
      20_000,
    );
    expect(next).toBe(first === 'replica-a' ? 'replica-b' : 'replica-a');
    expect(Number(await textOf('#leader-token'))).toBeGreaterThan(firstToken);
    const changes = await page.locator('#changes tbody tr').allTextContents();
    expect(changes[0]).toContain(next);
    expect(changes[1]).toContain(first);
    await screenshot('scheduler');
  });
});
