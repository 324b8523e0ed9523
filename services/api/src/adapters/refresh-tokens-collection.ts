import type { Collection, Db } from 'mongodb';
import { dayOf, isDuplicateKey, pruneByDay } from '@herald/store';
import type { RefreshTokenStore } from '../domain/ports.js';
import type { RefreshToken } from '../domain/refresh-token.js';

/** `_id` is the token's sha256, so a lookup by presented token is a primary-key read. */
type RefreshTokenDoc = Omit<RefreshToken, 'hash'> & {
  _id: string;
  /** The UTC day of `expiresAt`: what deleting the expired ones goes by. */
  expiresDay?: string;
};

export class RefreshTokensCollection implements RefreshTokenStore {
  static readonly collectionName = 'refresh_tokens';
  readonly #collection: Collection<RefreshTokenDoc>;

  constructor(db: Db) {
    this.#collection = db.collection<RefreshTokenDoc>(RefreshTokensCollection.collectionName);
  }

  async ensureIndexes(): Promise<void> {
    // The single-use rule: a token can be the parent of one successor only.
    await this.#collection.createIndex({ parent: 1 }, { unique: true });
    await this.#collection.createIndex({ familyId: 1 });
    await this.#collection.createIndex({ expiresDay: 1 });
    await this.#collection.createIndex({ userId: 1 });
  }

  async insert(token: RefreshToken): Promise<'inserted' | 'parent-used'> {
    const { hash, revokedAt, ...rest } = token;
    try {
      await this.#collection.insertOne({
        _id: hash,
        ...rest,
        expiresDay: dayOf(rest.expiresAt),
        ...(revokedAt ? { revokedAt } : {}),
      });
      return 'inserted';
    } catch (error) {
      if (isDuplicateKey(error)) return 'parent-used';
      throw error;
    }
  }

  async byHash(hash: string): Promise<RefreshToken | undefined> {
    const doc = await this.#collection.findOne({ _id: hash }, { projection: { expiresDay: 0 } });
    if (!doc) return undefined;
    const { _id, ...rest } = doc;
    return { hash: _id, ...rest };
  }

  async familyRevoked(familyId: string): Promise<boolean> {
    const revoked = { familyId, revokedAt: { $exists: true } };
    return (await this.#collection.countDocuments(revoked, { limit: 1 })) > 0;
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.#collection.updateMany(
      { familyId, revokedAt: { $exists: false } },
      { $set: { revokedAt: at } },
    );
  }

  async revokeUser(userId: string, at: Date): Promise<void> {
    await this.#collection.updateMany(
      { userId, revokedAt: { $exists: false } },
      { $set: { revokedAt: at } },
    );
  }

  async deleteExpired(now: Date): Promise<number> {
    return pruneByDay(this.#collection, { day: 'expiresDay', at: 'expiresAt' }, now);
  }
}
