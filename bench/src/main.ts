// `npm run bench [-- --only consumer,publisher] [--scale 0.1] [--rounds 3] [--write]`
// Runs the registered benchmarks one after another, prints a table per benchmark on stdout, and with
// --write also writes them (with the machine facts) to bench/RESULTS.md.
import { writeFile } from 'node:fs/promises';
import { availableParallelism, homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { servers } from '@herald/testkit';
import { apiBenchmark } from './api.js';
import { bullmqBenchmark } from './bullmq.js';
import { consumerBenchmark } from './consumer.js';
import { e2eBenchmark } from './e2e.js';
import { fanoutBenchmark } from './fanout.js';
import { growthBenchmark } from './growth.js';
import { lanesBenchmark } from './lanes.js';
import { liveBenchmark } from './live.js';
import type { BenchContext, BenchResult, Benchmark, Servers } from './harness.js';
import { machineFacts } from './machine.js';
import { perftestBenchmark } from './perftest.js';
import { publisherBenchmark } from './publisher.js';
import { renderFactsText, renderMarkdown, renderText } from './report.js';
import { scalingBenchmark } from './scaling.js';
import { storeBenchmark } from './store.js';
import { telemetryBenchmark } from './telemetry.js';
import { killChildren } from './workers/spawn.js';

/**
 * Every benchmark by name, in the order a full run takes them. Add one here (a module exporting a
 * `Benchmark`) and `--only <name>` picks it up; run.sh only needs to know about new prerequisites.
 */
export const benchmarks: Readonly<Record<string, Benchmark>> = {
  store: storeBenchmark,
  consumer: consumerBenchmark,
  publisher: publisherBenchmark,
  perftest: perftestBenchmark,
  telemetry: telemetryBenchmark,
  bullmq: bullmqBenchmark,
  scaling: scalingBenchmark,
  api: apiBenchmark,
  growth: growthBenchmark,
  fanout: fanoutBenchmark,
  e2e: e2eBenchmark,
  live: liveBenchmark,
  lanes: lanesBenchmark,
};

const usage = `usage: npm run bench -- [--only a,b] [--scale N] [--rounds N] [--write] [--list]
  --only    comma-separated benchmarks (default: all): ${Object.keys(benchmarks).join(', ')}
  --scale   multiplies message counts and durations (default 1; 0.05 for a smoke run)
  --rounds  measured rounds per variant, interleaved; the median is reported (default 3, min 2)
  --write   also write the results to bench/RESULTS.md`;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      scale: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '3' },
      write: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  const scale = Number(values.scale);
  const rounds = Number(values.rounds);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, got ${values.scale}`);
  if (!Number.isInteger(rounds) || rounds < 2) {
    throw new Error(`--rounds must be an integer >= 2, got ${values.rounds}`);
  }
  const names = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Object.keys(benchmarks);
  const unknown = names.filter((n) => !Object.hasOwn(benchmarks, n));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}\n${usage}`);
  return { ...values, scale, rounds, names };
}

/** Clean-ups of the benchmark now running, run newest first; also run on Ctrl-C. */
let pending: { what: string; fn: () => Promise<unknown> }[] = [];
/** Clean-up runs one after another, so an interrupt never exits halfway through one. */
let cleaning: Promise<void> = Promise.resolve();
let interrupted = false;

function cleanUp(): Promise<void> {
  const steps = pending.reverse();
  pending = [];
  cleaning = cleaning.then(async () => {
    for (const step of steps) {
      try {
        await step.fn();
      } catch (error) {
        log(
          `clean-up "${step.what}" failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  });
  return cleaning;
}

// A bug that escapes every try (an 'error' event nobody listens to) still cleans up before exiting.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.once(event, (error: unknown) => {
    log(`${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    killChildren();
    void cleanUp().finally(() => process.exit(1));
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Once: a second Ctrl-C kills at once.
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping workers and cleaning up`);
    killChildren();
    void cleanUp().finally(() => process.exit(130));
  });
}

/** Numbers from a machine that is busy with other work say little; the report says so. */
function busyWarning(): string | undefined {
  const [load] = loadavg();
  const cpus = availableParallelism();
  if (load === undefined || load <= cpus) return undefined;
  return (
    `the 1-minute load average was ${load.toFixed(1)} on ${cpus} CPUs when the run started: other work ` +
    'competed for the CPU, so these numbers are not representative. Re-run on a quiet machine.'
  );
}

async function main(): Promise<number> {
  const opts = options();
  if (opts.help || opts.list) {
    process.stdout.write(opts.list ? `${Object.keys(benchmarks).join('\n')}\n` : `${usage}\n`);
    return 0;
  }
  const env: Servers = {
    ...servers,
    redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6390',
  };
  const perftestDir = process.env.PERFTEST_DIR ?? join(homedir(), '.herald', 'perftest');
  const ctx: BenchContext = {
    scale: opts.scale,
    rounds: opts.rounds,
    servers: env,
    perftestDir,
    count: (base, min = 100) => Math.max(min, Math.round(base * opts.scale)),
    defer: (what, fn) => pending.push({ what, fn }),
    log,
  };
  const startedAt = new Date();
  const facts = await machineFacts(env, perftestDir, new Set(opts.names));
  const busy = busyWarning();
  process.stdout.write(
    `Herald benchmarks, ${startedAt.toISOString()}\n${renderFactsText(facts)}\n`,
  );
  process.stdout.write(busy ? `\nWARNING: ${busy}\n\n` : '\n');

  const results: BenchResult[] = [];
  const failures: { name: string; error: string }[] = [];
  for (const name of opts.names) {
    const bench = benchmarks[name];
    if (!bench) continue;
    log(`${name}: ${bench.title}`);
    const started = performance.now();
    try {
      const result = await bench.run(ctx);
      results.push(result);
      process.stdout.write(`${renderText(result)}\n`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ name, error: message });
      process.stdout.write(`== ${bench.title} ==\nFAILED: ${message}\n\n`);
    } finally {
      killChildren();
      await cleanUp();
    }
    log(`${name}: done in ${((performance.now() - started) / 1_000).toFixed(0)} s`);
    if (interrupted) break;
  }

  const loadAtEnd = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  process.stdout.write(`load average at end (1/5/15 min)  ${loadAtEnd}\n`);
  if (opts.write) {
    const file = join(import.meta.dirname, '..', 'RESULTS.md');
    const markdown = renderMarkdown({
      startedAt,
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      scale: opts.scale,
      rounds: opts.rounds,
      facts,
      results,
      failures,
      loadAtEnd,
      ...(busy ? { warning: busy } : {}),
    });
    // Formatted like the rest of the repository, so `prettier --check .` stays green.
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    await writeFile(file, await prettier.format(markdown, { ...config, filepath: file }));
    log(`wrote ${file}`);
  }
  if (failures.length > 0) {
    log(`failed: ${failures.map((f) => f.name).join(', ')}`);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
} finally {
  killChildren();
  await cleanUp();
}
// Drivers (BullMQ's blocking Redis client, Mongo pools) can keep the loop alive: results are out.
process.exit(interrupted ? 130 : process.exitCode);
