import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { messageIdFor, sentKey } from './message-id.js';

const event = '0b7f3f3e-5d43-4b8e-9a3c-4f1f1c7a2b10';

describe('messageIdFor', () => {
  it('is the first 32 hex digits of sha256(eventId:recipient) at herald', () => {
    const digest = createHash('sha256').update(`${event}:bob@example.test`).digest('hex');
    expect(messageIdFor(event, 'bob@example.test')).toBe(`<${digest.slice(0, 32)}@herald>`);
    expect(messageIdFor(event, 'bob@example.test')).toMatch(/^<[0-9a-f]{32}@herald>$/);
  });

  it('is the same every time for the same event and recipient', () => {
    expect(messageIdFor(event, 'bob@example.test')).toBe(messageIdFor(event, 'bob@example.test'));
  });

  it('ignores the case and surrounding spaces of the address', () => {
    expect(messageIdFor(event, ' Bob@Example.TEST ')).toBe(messageIdFor(event, 'bob@example.test'));
  });

  it('differs per recipient and per event', () => {
    const ids = new Set([
      messageIdFor(event, 'bob@example.test'),
      messageIdFor(event, 'carol@example.test'),
      messageIdFor('another-event', 'bob@example.test'),
    ]);
    expect(ids.size).toBe(3);
  });
});

describe('sentKey', () => {
  it('is eventId:normalised address', () => {
    expect(sentKey(event, 'Bob@Example.test')).toBe(`${event}:bob@example.test`);
  });
});
