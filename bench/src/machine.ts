// What the numbers were measured on: hardware, load, and the version of every moving part.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect as tcp } from 'node:net';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Servers } from './harness.js';
import { runCommand } from './workers/spawn.js';

export type Facts = [label: string, value: string][];

async function settle(what: () => Promise<string>): Promise<string> {
  try {
    return await what();
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message : String(error)})`;
  }
}

async function rabbit(management: string): Promise<{ rabbitmq: string; erlang: string }> {
  const base = new URL(management);
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64');
  base.username = '';
  base.password = '';
  const response = await fetch(new URL('/api/overview', base), {
    headers: { authorization: `Basic ${auth}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`management API: ${response.status}`);
  const overview = (await response.json()) as {
    rabbitmq_version?: string;
    erlang_version?: string;
  };
  return { rabbitmq: overview.rabbitmq_version ?? '?', erlang: overview.erlang_version ?? '?' };
}

/** `INFO server` over a raw RESP connection (no client library needed for one command). */
function redisVersion(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tcp({ host: hostname, port: Number(port || 6379) });
    let reply = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write('*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.startsWith('-')) {
        socket.end();
        reject(new Error(reply.trim()));
        return;
      }
      // A bulk string: `$<length>\r\n<body>\r\n`.
      const header = /^\$(\d+)\r\n/.exec(reply);
      if (header?.[1] && reply.length >= header[0].length + Number(header[1])) {
        socket.end();
        resolve(/redis_version:(\S+)/.exec(reply)?.[1] ?? '?');
      }
    });
  });
}

async function store(url: string): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = info.ferretdbVersion as string | undefined;
    if (!ferret) return `MongoDB ${String(info.version)}`;
    return `FerretDB ${ferret} on ${await ferretBackend(client)} (MongoDB ${String(info.version)} wire)`;
  } finally {
    await client.close();
  }
}

/**
 * FerretDB's backend, from the shape of its explain output: PostgreSQL's plan is a tree of
 * nodes, SQLite's a list of lines. One document in a database of its own, dropped after.
 */
async function ferretBackend(client: MongoClient): Promise<string> {
  const db = client.db(`herald_bench_probe_${randomUUID().slice(0, 8)}`);
  try {
    const probe = db.collection<{ _id: string }>('probe');
    await probe.insertOne({ _id: 'probe' });
    const { queryPlanner } = (await probe.find({ _id: 'probe' }).explain()) as {
      queryPlanner?: { Plan?: unknown };
    };
    if (Array.isArray(queryPlanner?.Plan)) return 'SQLite (every query scans)';
    return queryPlanner?.Plan ? 'PostgreSQL' : 'an unknown backend';
  } finally {
    await db.dropDatabase();
  }
}

async function java(): Promise<string> {
  const { output } = await runCommand('java', ['-version'], 30_000);
  return output.split('\n')[0]?.trim() ?? '?';
}

/** A dependency's version, found by walking up from its entry point (exports maps may hide package.json). */
function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve(name));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? '?';
      }
      dir = dirname(dir);
    }
  } catch {
    // fall through
  }
  return '?';
}

export async function machineFacts(
  servers: Servers,
  perftestDir: string,
  wanted: ReadonlySet<string>,
): Promise<Facts> {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  const versions = await settle(async () => {
    const v = await rabbit(servers.management);
    return `RabbitMQ ${v.rabbitmq} on Erlang ${v.erlang}`;
  });
  const facts: Facts = [
    ['CPUs (nproc)', String(availableParallelism())],
    ['CPU model', cpus()[0]?.model.trim() ?? '?'],
    ['RAM', gib(totalmem())],
    [
      'load average at start (1/5/15 min)',
      loadavg()
        .map((l) => l.toFixed(2))
        .join(' / '),
    ],
    ['Node.js', process.version],
    ['broker', versions],
    ['store', await settle(() => store(servers.mongo))],
    ['amqplib', packageVersion('amqplib')],
  ];
  if (['bullmq', 'api', 'e2e'].some((name) => wanted.has(name))) {
    facts.push(['Redis', await settle(() => redisVersion(servers.redis))]);
    facts.push(['BullMQ', packageVersion('bullmq')]);
  }
  if (wanted.has('perftest')) {
    const jar = await settle(async () => {
      const found = readdirSync(perftestDir).find((f) => /^perf-test-.*\.jar$/.test(f));
      if (!found) throw new Error(`not in ${perftestDir}`);
      return found.replace(/^perf-test-|\.jar$/g, '');
    });
    facts.push(['RabbitMQ PerfTest', jar]);
    facts.push(['Java', await settle(java)]);
  }
  return facts;
}
