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
