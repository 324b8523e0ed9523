// `npm run dlq -- <queue> <list|show|replay|purge> [message-id | --all] [--rate N]`
// Operates on a consuming queue's dead-letter queue on the broker at RABBITMQ_URL.
import { parseArgs } from 'node:util';
import { connect } from 'amqplib';
import { consumerQueuesByName } from '@herald/contracts';
import {
  DeadLetterQueueMissing,
  ReplayQueueMissing,
  listDeadLetters,
  purgeDeadLetters,
  replayDeadLetters,
  type DeadLetter,
  type Selector,
} from '../dlq.js';

const namespace = process.env.HERALD_NAMESPACE ?? '';
const queues = consumerQueuesByName(namespace);

const usage = `usage: npm run dlq -- <queue> <command> [options]
  queues: ${[...queues.keys()].join(', ')}
  list                      one line per dead-lettered message (oldest first)
  show <message-id>         everything about one message, body included
  replay <message-id>|--all back to its queue with a fresh attempt count
        [--rate N]          at most N messages a second (default 50)
  purge <message-id>|--all  delete from the DLQ
env: RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672), HERALD_NAMESPACE`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    all: { type: 'boolean' },
    rate: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [queue, command, id] = positionals;
const topology = queues.get(queue ?? '') ?? fail(`unknown queue "${queue ?? ''}"`);

function selector(): Selector {
  if (values.all) return { all: true };
  if (id) return { messageId: id };
  return fail(`${command ?? ''} needs a message id or --all`);
}

function line(d: DeadLetter): string {
  return [
    d.position,
    d.messageId ?? '-',
    d.type ?? '-',
    d.kind ?? '-',
    `attempts=${d.attempts ?? '-'}`,
    d.failedAt ?? '-',
    d.error ?? '',
  ].join('  ');
}

const url = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const connection = await connect(url).catch((error: unknown) =>
  fail(`cannot reach RabbitMQ at ${url}: ${String(error)}`),
);
connection.on('error', () => undefined);
try {
  switch (command) {
    case 'list': {
      const dead = await listDeadLetters(connection, topology);
      process.stdout.write(`${topology.deadLetterQueue}: ${dead.length} message(s)\n`);
      for (const d of dead) process.stdout.write(`${line(d)}\n`);
      break;
    }
    case 'show': {
      const found = (await listDeadLetters(connection, topology)).filter((d) => d.messageId === id);
      if (found.length === 0) fail(`no message ${id ?? ''} in ${topology.deadLetterQueue}`);
      process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
      break;
    }
    case 'replay': {
      const rate = values.rate ? Number(values.rate) : 50;
      if (!(rate > 0)) fail('--rate must be a positive number');
      const n = await replayDeadLetters(connection, topology, selector(), { ratePerSecond: rate });
      process.stdout.write(`replayed ${n} message(s) to ${topology.queue}\n`);
      break;
    }
    case 'purge': {
      const n = await purgeDeadLetters(connection, topology, selector());
      process.stdout.write(`purged ${n} message(s) from ${topology.deadLetterQueue}\n`);
      break;
    }
    case undefined:
      fail('missing command');
      break;
    default:
      fail(`unknown command "${command}"`);
  }
} catch (error) {
  if (!(error instanceof DeadLetterQueueMissing || error instanceof ReplayQueueMissing))
    throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
} finally {
  await connection.close().catch(() => undefined);
}
