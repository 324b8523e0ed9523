import { connect } from 'node:net';
import { servers } from './servers.js';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const parsed = new URL(url);
  const port = Number(parsed.port || defaultPort);
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Integration tests never skip: a missing server fails the run with what to do about it. */
export default async function setup(): Promise<void> {
  const missing: string[] = [];
  if (!(await reachable(servers.rabbitmq, 5672))) missing.push(`RabbitMQ at ${servers.rabbitmq}`);
  if (!(await reachable(servers.mongo, 27017)))
    missing.push(`MongoDB-wire store at ${servers.mongo}`);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need real servers; not reachable: ${missing.join(', ')}. ` +
        'Run them through `npm test` (which starts them) or `npm run servers -- up`.',
    );
  }
}
