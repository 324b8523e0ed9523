// The store probe: point lookups (by `_id` and by an indexed field) in a collection of 10
// documents against one of 20,000, on the store the benchmarks run on. Flat lookups are what every
// request and consumer path assumes; a store that scans makes every other row here grow with data.
import { randomUUID } from 'node:crypto';
import type { Collection, Document } from 'mongodb';
import {
  interleave,
  met,
  summarise,
  type BenchContext,
  type BenchResult,
  type Benchmark,
  type Measurement,
} from './harness.js';
import { benchDatabase, benchNamespace } from './resources.js';

const SIZES = [10, 20_000] as const;
const TARGET = 0.5;

interface ProbeDoc {
  _id: string;
  handle: string;
  email: string;
  name: string;
  bio: string;
  createdAt: Date;
}

/** About 300 bytes, like a user or membership document. */
function probeDoc(n: number): ProbeDoc {
  return {
    _id: `u-${randomUUID()}`,
    handle: `member${n}`,
    email: `member${n}@bench.test`,
    name: `Member ${n} of the benchmark workspace`,
    bio: 'Reviews the retry path, owns the wait queues and answers pages about dead letters. '.repeat(
      2,
    ),
    createdAt: new Date(),
  };
}

/** The parts of a plan node read here: PostgreSQL's (under FerretDB) or MongoDB's. */
interface PlanNode {
  readonly 'Node Type'?: string;
  readonly Plans?: readonly PlanNode[];
  readonly stage?: string;
  readonly inputStage?: PlanNode;
}

/**
 * What the store's planner does for `filter`, in one phrase: PostgreSQL's top plan node under
 * FerretDB (e.g. "Bitmap Heap Scan"), SQLite's plan lines, or MongoDB's winning stage.
 */
export function planOf(explain: Document): string {
  const planner = (explain.queryPlanner ?? {}) as Document;
  const plan: unknown = planner.Plan ?? planner.winningPlan;
  if (Array.isArray(plan)) {
    return plan.map((line) => String(line).replace(/^.*detail=/, '')).join('; ');
  }
  if (plan && typeof plan === 'object') {
    const node = plan as PlanNode;
    const type = node['Node Type'] ?? node.stage;
    const inner = node.Plans?.[0]?.['Node Type'] ?? node.inputStage?.stage;
    return [type, inner].filter(Boolean).join(' over ') || 'unknown plan';
  }
  return 'no plan reported';
}

export const storeBenchmark: Benchmark = {
  name: 'store',
  title: 'Store probe: point lookups at 10 vs 20,000 documents',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const namespace = benchNamespace(ctx, 'store');
    const { db } = await benchDatabase(ctx, namespace);
    const lookups = ctx.count(500, 50);

    const collections = new Map<number, { docs: ProbeDoc[]; collection: Collection<ProbeDoc> }>();
    for (const size of SIZES) {
      const collection = db.collection<ProbeDoc>(`probe_${size}`);
      await collection.createIndex({ handle: 1 }, { unique: true });
      const docs = Array.from({ length: size }, (_, n) => probeDoc(n));
      for (let start = 0; start < docs.length; start += 1_000) {
        await collection.insertMany(docs.slice(start, start + 1_000), { ordered: false });
      }
      collections.set(size, { docs, collection });
    }

    type Key = '_id' | 'handle';
    const plans = new Map<string, string>();
    const variant = (key: Key, size: number) => async (): Promise<Measurement> => {
      const entry = collections.get(size);
      if (!entry) throw new Error(`no probe collection of ${size}`);
      const { docs, collection } = entry;
      const pick = (i: number) => docs[(i * 7_919) % docs.length] ?? docs[0];
      const started = performance.now();
      for (let i = 0; i < lookups; i++) {
        const doc = pick(i);
        if (!doc) throw new Error('empty probe collection');
        const filter = key === '_id' ? { _id: doc._id } : { handle: doc.handle };
        const found = await collection.findOne(filter);
        if (found?._id !== doc._id) throw new Error(`lookup by ${key} missed ${doc._id}`);
      }
      const seconds = (performance.now() - started) / 1_000;
      const name = nameOf(key, size);
      if (!plans.has(name)) {
        const doc = pick(0);
        const filter = key === '_id' ? { _id: doc?._id ?? '' } : { handle: doc?.handle ?? '' };
        plans.set(name, planOf(await collection.find(filter).explain()));
      }
      return { msgs: lookups, seconds };
    };
    const nameOf = (key: Key, size: number) => `findOne by ${key}, ${size} documents`;
    const keys: Key[] = ['_id', 'handle'];
    const results = await interleave(
      ctx,
      'store',
      keys.flatMap((key) =>
        SIZES.map((size) => ({ name: nameOf(key, size), run: variant(key, size) })),
      ),
    );
    const rows = keys.flatMap((key) => {
      const [small, large] = SIZES.map((size) => results.get(nameOf(key, size)) ?? []);
      const planNote = (size: number) => `plan: ${plans.get(nameOf(key, size)) ?? '?'}`;
      return [
        summarise(nameOf(key, SIZES[0]), small ?? [], { note: planNote(SIZES[0]) }),
        summarise(nameOf(key, SIZES[1]), large ?? [], {
          baseline: small ?? [],
          target: TARGET,
          note: planNote(SIZES[1]),
        }),
      ];
    });
    const verdicts = rows
      .filter((r) => r.target !== undefined)
      .map(
        (r) =>
          `${r.variant}: ${met(r) ? 'within' : 'NOT within'} 2x of the 10-document lookup ` +
          `(${(1_000 / r.median).toFixed(2)} ms a lookup)`,
      );
    return {
      name: 'store',
      title: storeBenchmark.title,
      method:
        `Two collections of ~300-byte documents, ${SIZES.join(' and ')} of them, each with a unique index on ` +
        `\`handle\` (created before the documents, as the services create theirs at start-up). Each round makes ` +
        `${lookups} findOne calls one after another, by \`_id\` and by \`handle\`, every one a document that ` +
        `exists; rate = lookups/s, ratio = the 20,000-document rate ÷ the 10-document rate (>= 0.5: within 2x).`,
      rows,
      notes: [
        ...verdicts,
        "Plans are the store's own explain output for one lookup of each row (on FerretDB, the plan of the " +
          'PostgreSQL or SQLite query under it). A lookup includes the round trip through FerretDB.',
      ],
    };
  },
};
