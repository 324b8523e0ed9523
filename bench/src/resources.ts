// Per-benchmark namespaces and stores, always torn down (queues, exchanges, databases).
import { MongoClient, type Db } from 'mongodb';
import { deleteNamespace, mongoUrlForTest, uniqueNamespace } from '@herald/testkit';
import type { BenchContext } from './harness.js';

/** A fresh prefix for every exchange and queue of one benchmark, deleted when it ends. */
export function benchNamespace(ctx: BenchContext, bench: string): string {
  const namespace = uniqueNamespace(`bench-${bench}-`);
  ctx.defer(`delete queues and exchanges ${namespace}*`, () => deleteNamespace(namespace));
  return namespace;
}

/** A database of the benchmark's own (named after its namespace), dropped when it ends. */
export async function benchDatabase(
  ctx: BenchContext,
  namespace: string,
): Promise<{ readonly url: string; readonly db: Db }> {
  const url = mongoUrlForTest(namespace);
  const client = new MongoClient(url, {
    appName: 'herald-bench',
    serverSelectionTimeoutMS: 10_000,
  });
  await client.connect();
  const db = client.db();
  ctx.defer(`drop database ${db.databaseName}`, async () => {
    try {
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });
  return { url, db };
}

/**
 * Drops the database at `url` when the benchmark ends: for databases a service process creates
 * itself. Registered before the service starts, so an interrupted start-up is cleaned up too.
 */
export function dropDatabaseLater(ctx: BenchContext, url: string): void {
  ctx.defer(`drop database ${new URL(url).pathname.slice(1)}`, async () => {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      await client.db().dropDatabase();
    } finally {
      await client.close();
    }
  });
}

/**
 * Copies every collection of the database at `from` (indexes first, then the documents) into the
 * one at `to`: a product state made once through the API, reused by benchmarks that need several.
 */
export async function copyDatabase(from: string, to: string): Promise<void> {
  const source = new MongoClient(from, { serverSelectionTimeoutMS: 10_000 });
  const target = new MongoClient(to, { serverSelectionTimeoutMS: 10_000 });
  try {
    await Promise.all([source.connect(), target.connect()]);
    for (const { name } of await source.db().listCollections({}, { nameOnly: true }).toArray()) {
      const into = target.db().collection(name);
      for (const { key, name: index, unique } of await source.db().collection(name).indexes()) {
        if (index === '_id_') continue;
        await into.createIndex(key, {
          ...(index ? { name: index } : {}),
          ...(unique ? { unique } : {}),
        });
      }
      const docs = await source.db().collection(name).find().toArray();
      if (docs.length > 0) await into.insertMany(docs, { ordered: false });
    }
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}
