// One consumer replica: its own process and BrokerConnection on the shared queue. Reports its acked
// count every 50 ms, and its totals (with CPU time) once the parent says stop.
import { benchTopology, openConsumer } from '../herald.js';
import { exitWithParent, readJob, runWorker, tell, type ParentMessage } from './protocol.js';

const job = readJob('consumer');
exitWithParent();

async function main(): Promise<void> {
  const consumer = await openConsumer({
    url: job.url,
    topology: benchTopology(job.namespace, job.queue),
    name: job.name,
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let reported = 0;
  const progress = setInterval(() => {
    const acked = consumer.acked.count;
    if (acked !== reported) {
      reported = acked;
      void tell({ type: 'progress', acked });
    }
  }, 50);
  await tell({ type: 'ready' });
  await new Promise<void>((resolve) =>
    process.on('message', (message: ParentMessage) => {
      if (message.type === 'stop') resolve();
    }),
  );
  clearInterval(progress);
  await consumer.close();
  const used = process.cpuUsage(cpu);
  await tell({ type: 'progress', acked: consumer.acked.count });
  await tell({
    type: 'result',
    msgs: consumer.acked.count,
    seconds: (performance.now() - started) / 1_000,
    cpuMs: (used.user + used.system) / 1_000,
  });
}

await runWorker(main);
