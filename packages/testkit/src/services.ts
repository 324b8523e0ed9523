import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testKeys, testLinkTokenSecret, testUnsubscribeSecret } from './keys.js';
import { eventually } from './wait.js';

const root = join(import.meta.dirname, '../../..');

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the service printed, for assertions and for debugging a failure. */
  readonly output: () => string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Whether the service answers its readiness probe with 200 right now. */
export async function isReady(service: { readonly url: string }): Promise<boolean> {
  return (await readiness(service)).status === 200;
}

/** A service's /readyz answer and its body (its checks), or status 0 and why it did not answer. */
export async function readiness(service: {
  readonly url: string;
}): Promise<{ status: number; body: string }> {
  const response = await fetch(`${service.url}/readyz`, {
    signal: AbortSignal.timeout(2_000),
  }).catch((error: unknown) => error);
  if (!(response instanceof Response)) return { status: 0, body: String(response) };
  return { status: response.status, body: await response.text().catch(String) };
}

/**
 * Runs a service from source as its own process (the same main.ts production runs, built), and
 * waits until its /readyz answers 200.
 */
export async function startService(
  name: string,
  env: Record<string, string>,
  options: { readonly waitReady?: boolean } = {},
): Promise<RunningService> {
  const port = env.PORT ?? String(await freePort());
  const source = join(root, 'services', name, 'src');
  // Tracing loads ahead of main.ts, as in production (`node --import ./dist/instrumentation.js`).
  const instrumentation = existsSync(join(source, 'instrumentation.ts'))
    ? ['--import', join(source, 'instrumentation.ts')]
    : [];
  const child = spawn(
    process.execPath,
    ['--conditions=@herald/source', '--import', 'tsx', ...instrumentation, join(source, 'main.ts')],
    {
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        JWT_PUBLIC_KEY: testKeys.publicKeyPem,
        JWT_PRIVATE_KEY: testKeys.privateKeyPem,
        UNSUBSCRIBE_SECRET: testUnsubscribeSecret,
        LINK_TOKEN_SECRET: testLinkTokenSecret,
        ...env,
        PORT: port,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  const service: RunningService = {
    name,
    url,
    process: child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (options.waitReady ?? true) {
    let exitedEarly = false;
    void exited.then(() => (exitedEarly = true));
    await eventually(
      `${name} ready`,
      async () => {
        if (exitedEarly) throw new Error(`${name} exited:\n${output}`);
        return isReady({ url });
      },
      // Generous: compiling TypeScript on start-up is slow on a busy 2-core machine.
      90_000,
    ).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw new Error(`${String(error)}\n--- ${name} output ---\n${output}`);
    });
  }
  return service;
}
