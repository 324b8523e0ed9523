import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { recordingLogger } from '@herald/testkit';
import { BrokerConnection } from './connection.js';

/** What a broker out of file descriptors looks like to a client: the socket opens, nobody answers. */
async function silentServer(): Promise<{ server: Server; sockets: Socket[]; port: number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return { server, sockets, port: address.port };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it('gives up on a handshake the broker never answers, says so, and tries again', async () => {
  const { server, sockets, port } = await silentServer();
  const { logger, lines } = recordingLogger();
  const connection = new BrokerConnection({
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    name: 'silent-broker-test',
    logger,
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
  const failures = lines.filter((l) => l.level === 'warn' && l.msg === 'broker connection failed');
  expect(failures.length).toBeGreaterThanOrEqual(2);
  expect(String(failures[0]!.err)).toMatch(/ETIMEDOUT/);
  expect(sockets.length).toBeGreaterThanOrEqual(2);
  expect(connection.connected).toBe(false);
});
