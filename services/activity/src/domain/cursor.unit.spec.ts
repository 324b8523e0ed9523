import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';

const base64url = (text: string) => Buffer.from(text).toString('base64url');

describe('feed cursor', () => {
  it('decodes what it encoded, to the millisecond', () => {
    const cursor = { at: new Date('2025-03-01T09:00:00.123Z'), eventId: 'e-1' };
    const text = encodeCursor(cursor);

    expect(text).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a query string as is
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/=='],
    ['base64url of non-JSON', base64url('{at:')],
    ['JSON of the wrong shape', base64url(JSON.stringify({ at: 1, id: 'e-1' }))],
    ['a date that is not one', base64url(JSON.stringify({ at: '2025-13-45T99:00:00Z', id: 'e' }))],
    ['an empty id', base64url(JSON.stringify({ at: '2025-03-01T09:00:00.000Z', id: '' }))],
    [
      'extra fields',
      base64url(JSON.stringify({ at: '2025-03-01T09:00:00.000Z', id: 'e', admin: true })),
    ],
    ['JSON null', base64url('null')],
    ['far too long', 'A'.repeat(5_000)],
  ])('rejects %s', (_what, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
