import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Publisher } from '@herald/bus';
import { TestProducer } from './support/producer.js';
import {
  deleteNamespace,
  eventually,
  mongoUrlForTest,
  parseMail,
  servers,
  startService,
  uniqueNamespace,
  type RunningService,
} from '@herald/testkit';

const namespace = uniqueNamespace('maileml');
const mongoUrl = mongoUrlForTest(`${namespace}mailer`);

let outbox: string;
let mailer: RunningService;
let producer: TestProducer;
let api: Publisher<'user.registered'>;

beforeAll(async () => {
  outbox = await mkdtemp(join(tmpdir(), 'herald-mail-'));
  mailer = await startService('mailer', {
    RABBITMQ_URL: servers.rabbitmq,
    HERALD_NAMESPACE: namespace,
    MONGO_URL: mongoUrl,
    SMTP_URL: '', // none configured, whatever the environment says
    MAIL_OUTBOX_DIR: outbox,
  });
  producer = new TestProducer(namespace);
  api = await producer.publisher('api', ['user.registered']);
});

afterAll(async () => {
  expect(await mailer.stop()).toBe(0);
  await producer.close();
  const mongo = await MongoClient.connect(servers.mongo);
  await mongo.db(new URL(mongoUrl).pathname.slice(1)).dropDatabase();
  await mongo.close();
  await deleteNamespace(namespace);
  await rm(outbox, { recursive: true, force: true });
});

describe('mailer without SMTP_URL', () => {
  it('writes each e-mail as an .eml file and logs where it went', async () => {
    const event = await api.publish('user.registered', {
      userId: 'u-1',
      email: 'grace@example.test',
      name: 'Grace <Hopper>',
      handle: 'grace',
    });
    const hash = createHash('sha256')
      .update(`${event.id}:grace@example.test`)
      .digest('hex')
      .slice(0, 32);
    const file = join(outbox, `${hash}@herald.eml`);

    // Written under a hidden temporary name, then renamed: only whole files ever show up.
    await eventually('the .eml file', async () =>
      (await readdir(outbox)).includes(`${hash}@herald.eml`),
    );
    expect((await readdir(outbox)).filter((f) => !f.startsWith('.'))).toEqual([
      `${hash}@herald.eml`,
    ]);
    const mail = await parseMail(await readFile(file));
    expect(mail).toMatchObject({
      from: 'no-reply@herald.local',
      to: ['grace@example.test'],
      subject: 'Welcome to Herald, Grace <Hopper>',
      messageId: `<${hash}@herald>`,
    });
    expect(mail.html).toContain('Grace &lt;Hopper&gt;');
    expect(mail.text).toContain('Welcome to Herald, Grace <Hopper>');

    const logLine = await eventually('the log line', () =>
      mailer
        .output()
        .split('\n')
        .find((line) => line.includes('"e-mail written"')),
    );
    expect(JSON.parse(logLine)).toMatchObject({
      to: 'grace@example.test',
      subject: 'Welcome to Herald, Grace <Hopper>',
      file,
    });
  });
});
