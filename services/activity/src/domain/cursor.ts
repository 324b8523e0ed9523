import { z } from 'zod';
import { Id } from '@herald/contracts';

/** A position in a feed read newest first: entries strictly older than (at, eventId) come next. */
export interface FeedCursor {
  readonly at: Date;
  readonly eventId: string;
}

const CursorJson = z.strictObject({ at: z.iso.datetime(), id: Id });

/** Opaque to clients: base64url of a small JSON document they should not rely on. */
export function encodeCursor(cursor: FeedCursor): string {
  const json = JSON.stringify({ at: cursor.at.toISOString(), id: cursor.eventId });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The cursor `text` encodes, or undefined for anything `encodeCursor` could not have produced. */
export function decodeCursor(text: string): FeedCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = CursorJson.safeParse(json);
  if (!parsed.success) return undefined;
  return { at: new Date(parsed.data.at), eventId: parsed.data.id };
}
