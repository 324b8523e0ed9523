// The seed's design in its own process (as it ran: one Node process for the route and, when
// `smtpUrl` is set, the BullMQ workers too). Says "ready" once listening; closes when told to stop.
import { MongoClient } from 'mongodb';
import { buildSeedApp, startSeedWorkers } from '../seed-design.js';
import { exitWithParent, readJob, runWorker, tell, type ParentMessage } from './protocol.js';

const job = readJob('seed');
exitWithParent();

async function main(): Promise<void> {
  const readClient = new MongoClient(job.readUrl, { appName: 'seed-design' });
  const writeClient = new MongoClient(job.writeUrl, { appName: 'seed-design' });
  await Promise.all([readClient.connect(), writeClient.connect()]);
  const redisUrl = new URL(job.redisUrl);
  const redis = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
  const seed = await buildSeedApp({
    reads: readClient.db(),
    writes: writeClient.db(),
    redis,
    prefix: job.prefix,
    publicKeyPem: job.publicKeyPem,
  });
  const workers = job.smtpUrl
    ? startSeedWorkers({
        writes: writeClient.db(),
        redis,
        prefix: job.prefix,
        smtpUrl: job.smtpUrl,
        onFailed: (error) =>
          void tell({ type: 'error', message: `seed job failed: ${error.message}` }),
      })
    : undefined;
  await seed.app.listen({ port: job.port, host: '127.0.0.1' });
  await tell({ type: 'ready' });
  await new Promise<void>((resolve) =>
    process.on('message', (message: ParentMessage) => {
      if (message.type === 'stop') resolve();
    }),
  );
  await workers?.close();
  await seed.close();
  await Promise.all([readClient.close(), writeClient.close()]);
}

await runWorker(main);
