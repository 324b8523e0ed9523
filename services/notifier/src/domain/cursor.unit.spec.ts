import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const position = { createdAt: new Date('2025-03-01T09:30:00.123Z'), id: 'evt-1:u-ada' };

describe('inbox cursor', () => {
  it('round-trips a position, keeping millisecond time and an id with colons', () => {
    const cursor = encodeCursor(position);

    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('is opaque and URL-safe', () => {
    const cursor = encodeCursor({ createdAt: position.createdAt, id: 'a/b+c=d?&é' });

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('evt');
    expect(decodeCursor(cursor)?.id).toBe('a/b+c=d?&é');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['base64 of plain text', Buffer.from('hello').toString('base64url')],
    ['not JSON', Buffer.from('[1,').toString('base64url')],
    ['an object', Buffer.from('{"t":1,"id":"x"}').toString('base64url')],
    ['three elements', Buffer.from('[1,"x",2]').toString('base64url')],
    ['time as string', Buffer.from('["1","x"]').toString('base64url')],
    ['negative time', Buffer.from('[-1,"x"]').toString('base64url')],
    ['fractional time', Buffer.from('[1.5,"x"]').toString('base64url')],
    ['empty id', Buffer.from('[1,""]').toString('base64url')],
    ['id too long', Buffer.from(JSON.stringify([1, 'x'.repeat(301)])).toString('base64url')],
    ['non-canonical spelling', Buffer.from('[ 1, "x" ]').toString('base64url')],
    ['way too long', 'A'.repeat(601)],
  ])('rejects %s', (_what, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
