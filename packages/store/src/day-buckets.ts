import type { Collection, Document, Filter } from 'mongodb';

const dayMs = 86_400_000;

/** The UTC day of `at` (`2025-03-03`): the bucket a record is pruned and read by. */
export function dayOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The days from the one holding `since` to the one holding `until`, oldest first. */
export function daysBetween(since: Date | number, until: Date | number): string[] {
  const days: string[] = [];
  const last = dayOf(until);
  for (let t = Date.parse(dayOf(since)); ; t += dayMs) {
    const day = dayOf(t);
    days.push(day);
    if (day >= last) return days;
  }
}

/**
 * How far behind its cutoff pruning looks for days left over: a record unpruned for longer (its
 * service stopped for two months) keeps those days until deleted by hand.
 */
export const pruneLookBackDays = 60;

/**
 * Deletes the records of `day` bucket (field `dayField`) stamped before `before` (field `at`):
 * whole days by equality on the bucket, and the cutoff's own day by a range within it, so no
 * delete filters the whole collection by a range (FerretDB pushes down only equalities).
 * `also` narrows every delete (a claim whose lease still runs is kept).
 */
export async function pruneByDay<T extends Document>(
  collection: Collection<T>,
  fields: { readonly day: string; readonly at: string },
  before: Date,
  also: Filter<T> = {},
): Promise<number> {
  const days = daysBetween(before.getTime() - pruneLookBackDays * dayMs, before);
  const cutoffDay = days.pop()!;
  let deleted = 0;
  for (const day of days) {
    const whole: Filter<T> = { ...also, [fields.day]: day };
    deleted += (await collection.deleteMany(whole)).deletedCount;
  }
  const partial = { ...also, [fields.day]: cutoffDay, [fields.at]: { $lt: before } } as Filter<T>;
  return deleted + (await collection.deleteMany(partial)).deletedCount;
}
