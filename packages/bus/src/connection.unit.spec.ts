import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { BrokerConnection } from './connection.js';
import type { Logger } from './logger.js';

/** What a broker out of file descriptors looks like to a client: the socket opens, nobody answers. */
async function silentServer(): Promise<{ server: Server; sockets: Socket[]; port: number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return { server, sockets, port: address.port };
}

function recordingLogger(warnings: { obj: object; msg?: string }[]): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (obj, msg) => warnings.push({ obj, msg }),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('gives up on a handshake the broker never answers, says so, and tries again', async () => {
  const { server, sockets, port } = await silentServer();
  const warnings: { obj: object; msg?: string }[] = [];
  const connection = new BrokerConnection({
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    name: 'silent-broker-test',
    logger: recordingLogger(warnings),
    connectTimeoutMs: 150,
    reconnectInitialMs: 10,
    reconnectMaxMs: 20,
  });
  cleanups.push(async () => {
    await connection.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  connection.start();

  await expect(connection.waitUntilConnected(2_000)).rejects.toThrow(/not reachable/);
  const failures = warnings.filter((w) => w.msg === 'broker connection failed');
  expect(failures.length).toBeGreaterThanOrEqual(2);
  expect(String((failures[0]!.obj as { err?: unknown }).err)).toMatch(/ETIMEDOUT/);
  expect(sockets.length).toBeGreaterThanOrEqual(2);
  expect(connection.connected).toBe(false);
});
