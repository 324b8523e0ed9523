import { MongoClient, MongoServerError, type Db } from 'mongodb';

/** Connects lazily-retrying (the driver reconnects by itself) and returns the URL's database. */
export async function connectMongo(
  url: string,
  appName: string,
): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(url, { appName, serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  return { client, db: client.db() };
}

/** The server's error code for a unique-index violation. */
export const DUPLICATE_KEY = 11000;

/** True for a unique-index violation: the record already exists, which idempotent writes expect. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Readiness: a round trip to the server. */
export async function mongoReachable(db: Db): Promise<boolean> {
  try {
    await db.command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
