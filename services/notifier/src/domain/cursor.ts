/** A position in an inbox ordered newest first, ties broken by id (descending). */
export interface Cursor {
  readonly createdAt: Date;
  readonly id: string;
}

const maxIdLength = 300;

/** Opaque to clients: base64url of `[createdAt ms, id]`. */
export function encodeCursor(position: Cursor): string {
  return Buffer.from(JSON.stringify([position.createdAt.getTime(), position.id])).toString(
    'base64url',
  );
}

/** The position a cursor names, or undefined for anything this service did not hand out. */
export function decodeCursor(text: string): Cursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [ms, id] = value as unknown[];
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) return undefined;
  if (typeof id !== 'string' || id.length === 0 || id.length > maxIdLength) return undefined;
  const cursor = { createdAt: new Date(ms), id };
  // Only the exact encoding is accepted, so a cursor has a single spelling.
  return encodeCursor(cursor) === text ? cursor : undefined;
}
