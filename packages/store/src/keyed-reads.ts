import type { Collection, Document, Filter, FindOptions, WithId } from 'mongodb';

/** How many lookups one call keeps in flight. */
const lookupsInFlight = 64;

/**
 * The documents whose `field` equals one of `keys`, as one equality lookup per key: FerretDB
 * serves an equality from an index but reads the whole collection for `$in` (MongoDB serves both
 * from the index). Callers bound `keys` (a comment's mentions, a page of ids).
 */
export async function findByKeys<T extends Document>(
  collection: Collection<T>,
  field: string,
  keys: readonly unknown[],
  options?: FindOptions,
): Promise<WithId<T>[]> {
  const unique = [...new Set(keys)];
  const found: WithId<T>[] = [];
  for (let start = 0; start < unique.length; start += lookupsInFlight) {
    const batches = await Promise.all(
      unique
        .slice(start, start + lookupsInFlight)
        .map((key) => collection.find({ [field]: key } as Filter<T>, options).toArray()),
    );
    found.push(...batches.flat());
  }
  return found;
}
