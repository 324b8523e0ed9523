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
const compose = ['compose', '-f', join(root, 'deploy/docker-compose.yml')];

/** Whether this machine's broker can be stopped from a test (a native node or the compose service). */
async function control(action: 'stop' | 'start'): Promise<void> {
  if (rabbitmqctl) {
    // stop_app keeps the Erlang node (and its durable queues) but drops every client, like an outage.
    await run(rabbitmqctl, [action === 'stop' ? 'stop_app' : 'start_app'], { timeout: 60_000 });
    return;
  }
  await run('docker', [...compose, action, 'rabbitmq'], { timeout: 60_000 });
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

/** Runs rabbitmqctl on the broker's node: the native one, or inside the compose service. */
async function ctl(...args: string[]): Promise<string> {
  const { stdout } = rabbitmqctl
    ? await run(rabbitmqctl, args, { timeout: 60_000 })
    : await run('docker', [...compose, 'exec', '-T', 'rabbitmq', 'rabbitmqctl', ...args], {
        timeout: 60_000,
      });
  return stdout;
}

/**
 * Rebuilds RabbitMQ empty, as an operator does with `rabbitmqctl stop_app; rabbitmqctl reset;
 * rabbitmqctl start_app`: every exchange, queue, binding, message, user and vhost is gone, and the
 * node comes back with its defaults only (user guest/guest, vhost /), so it suits tests that connect
 * as guest. Needs rabbitmqctl: Debian's under /usr/sbin, aimed at the node of RABBITMQ_URL (set
 * RABBITMQ_NODENAME for a node of your own), or the compose service's. Refuses unless the node it
 * reaches listens on RABBITMQ_URL's port, so a run pointed at one broker never resets another.
 * Works on a running broker or one `stopBroker` stopped. Only for tests that run alone
 * (*.disruptive.spec.ts).
 */
export async function resetBroker(): Promise<void> {
  const port = new URL(servers.rabbitmq).port || '5672';
  // The node's configured AMQP listeners, readable whether its app runs or was stopped.
  const listeners = await ctl('eval', 'application:get_env(rabbit, tcp_listeners).');
  if (!new RegExp(`\\b${port}\\b`).test(listeners)) {
    throw new Error(
      `refusing to reset: the node rabbitmqctl reaches does not serve AMQP on port ${port} (${servers.rabbitmq}); set RABBITMQ_NODENAME`,
    );
  }
  await ctl('stop_app');
  await ctl('reset');
  await startBroker();
}

/**
 * Kills the MongoDB-wire store (SIGKILL: a crash, not a clean stop), keeps it down for `downMs`,
 * then starts it again on the same data. Only a store scripts/servers.sh started can be restarted.
 */
export async function restartStore(downMs = 0): Promise<void> {
  await run('bash', [join(root, 'scripts/servers.sh'), 'restart-store'], {
    timeout: downMs + 120_000,
    env: { ...process.env, MONGO_URL: servers.mongo, STORE_DOWN_SECONDS: String(downMs / 1_000) },
  });
}
