import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { queueTopology } from '@herald/contracts';
import {
  deleteNamespace,
  eventually,
  recordOutcomes,
  servers,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { BrokerConnection } from './connection.js';
import { Consumer } from './consumer.js';
import { aUserRegistered } from './fixtures.js';
import { Publisher } from './publisher.js';

const namespace = uniqueNamespace('drain');
const connection = new BrokerConnection({
  url: servers.rabbitmq,
  name: `${namespace}test`,
  logger: testLogger,
});

afterEach(async () => {
  await connection.close();
  await deleteNamespace(namespace);
});

function journal(file: string): { started: string[]; done: string[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const pick = (word: string) =>
    lines.filter((l) => l.startsWith(word)).map((l) => l.split(' ')[1]!);
  return { started: pick('started'), done: pick('done') };
}

it('on SIGTERM stops taking messages, finishes in-flight work, and leaves the rest queued', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'drain-')), 'journal');
  const worker = spawn(
    process.execPath,
    [
      '--conditions=@herald/source',
      '--import',
      'tsx',
      join(import.meta.dirname, '../test/drain-worker.ts'),
      namespace,
      file,
      servers.rabbitmq,
    ],
    { stdio: 'inherit' },
  );
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));

  connection.start();
  const publisher = new Publisher({
    connection,
    source: 'api',
    produces: ['user.registered'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  // Consuming, so its queue is bound too: a publish that came before the binding is returned.
  await eventually('worker consuming', async () => {
    try {
      await connection.waitUntilConnected(1_000);
      const probe = await connection.current!.createChannel();
      probe.on('error', () => undefined);
      const { consumerCount } = await probe.checkQueue(`${namespace}drain`);
      await probe.close();
      return consumerCount > 0;
    } catch {
      return false;
    }
  });
  const ids: string[] = [];
  for (let i = 0; i < 6; i++)
    ids.push((await publisher.publish('user.registered', aUserRegistered(i))).id);

  await eventually('work in flight', () => {
    try {
      return journal(file).started.length > 0;
    } catch {
      return false;
    }
  });
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);

  const { started, done } = journal(file);
  expect(done.sort()).toEqual(started.sort()); // nothing cut off half-way
  expect(done.length).toBeLessThan(ids.length); // it really stopped early

  // What the worker did not take is still queued, for the next replica.
  const rest = new Consumer({
    connection,
    topology: queueTopology({ queue: 'drain', consumes: ['user.registered'], namespace }),
    name: 'next-replica',
    logger: testLogger,
  });
  const handled: string[] = [];
  rest.on('user.registered', async (event) => {
    handled.push(event.id);
  });
  const outcomes = recordOutcomes(rest);
  await rest.start();
  await outcomes.until('the rest', (all) => all.length === ids.length - done.length);
  expect([...handled, ...done].sort()).toEqual([...ids].sort());
});
