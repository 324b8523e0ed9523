import type { Db } from 'mongodb';

/**
 * Every document of every collection, in a stable order. Two equal snapshots around a refused
 * request prove it wrote nothing at all: no document, no outbox event, no revoked token.
 */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .sort();
  const all: Record<string, unknown[]> = {};
  for (const name of names) {
    all[name] = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
  }
  return all;
}
