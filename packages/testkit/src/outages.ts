import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { servers } from './servers.js';
import { eventually } from './wait.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
const rabbitmqctl = ['/usr/sbin/rabbitmqctl', '/usr/lib/rabbitmq/bin/rabbitmqctl'].find((p) =>
  existsSync(p),
);

/** Whether this machine's broker can be stopped from a test (a native node or the compose service). */
async function control(action: 'stop' | 'start'): Promise<void> {
  if (rabbitmqctl) {
    // stop_app keeps the Erlang node (and its durable queues) but drops every client, like an outage.
    await run(rabbitmqctl, [action === 'stop' ? 'stop_app' : 'start_app'], { timeout: 60_000 });
    return;
  }
  await run(
    'docker',
    ['compose', '-f', join(root, 'deploy/docker-compose.yml'), action, 'rabbitmq'],
    { timeout: 60_000 },
  );
}

/** Takes RabbitMQ away until `restore` is called. Only for tests that run alone (*.disruptive.spec.ts). */
export async function stopBroker(): Promise<void> {
  await control('stop');
}

export async function startBroker(): Promise<void> {
  await control('start');
  if (rabbitmqctl) {
    await eventually(
      'broker running',
      async () => {
        try {
          await run(rabbitmqctl, ['await_startup'], { timeout: 30_000 });
          return true;
        } catch {
          return false;
        }
      },
      60_000,
    );
  }
}

/**
 * Kills the MongoDB-wire store (SIGKILL: a crash, not a clean stop), keeps it down for `downMs`,
 * then starts it again on the same data. Only a store scripts/servers.sh started can be restarted.
 */
export async function restartStore(downMs = 0): Promise<void> {
  await run('bash', [join(root, 'scripts/servers.sh'), 'restart-store'], {
    timeout: 120_000,
    env: { ...process.env, MONGO_URL: servers.mongo, STORE_DOWN_SECONDS: String(downMs / 1_000) },
  });
}
