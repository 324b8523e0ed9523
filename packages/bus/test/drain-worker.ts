// A consumer process for the drain test: slow handler, SIGTERM -> stop(), exit 0 only if drained.
import { appendFileSync } from 'node:fs';
import { queueTopology } from '@herald/contracts';
import { testLogger } from '@herald/testkit';
import { BrokerConnection, Consumer } from '../src/index.js';

const [namespace = '', journal = '', url = ''] = process.argv.slice(2);
const connection = new BrokerConnection({
  url,
  name: `${namespace}drain-worker`,
  logger: testLogger,
});
const consumer = new Consumer({
  connection,
  topology: queueTopology({ queue: 'drain', consumes: ['user.registered'], namespace }),
  name: 'drain-worker',
  logger: testLogger,
  prefetch: 2,
});
consumer.on('user.registered', async (event) => {
  appendFileSync(journal, `started ${event.id}\n`);
  await new Promise((r) => setTimeout(r, 1_000));
  appendFileSync(journal, `done ${event.id}\n`);
});
process.once('SIGTERM', () => {
  void consumer.stop(10_000).then(async ({ drained }) => {
    await connection.close();
    process.exit(drained ? 0 : 1);
  });
});
connection.start();
await consumer.start();
