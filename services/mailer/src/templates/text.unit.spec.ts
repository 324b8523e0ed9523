import { describe, expect, it } from 'vitest';
import { formatUtc, oneLine, plainText, subjectLine, truncate } from './text.js';

describe('subjectLine', () => {
  it('removes CR and LF so nothing can follow the Subject header', () => {
    expect(subjectLine('Hello\r\nBcc: victim@example.test')).toBe('Hello Bcc: victim@example.test');
  });

  it('removes every other control character, NUL and DEL included, and Unicode line separators', () => {
    expect(subjectLine('a\u0000b\u0007c\u001bd\u007fe\u0085f\u2028g\u2029h\ti')).toBe(
      'a b c d e f g h i',
    );
  });

  it('keeps non-ASCII text for the transport to encode', () => {
    expect(subjectLine('Grüße, 日本')).toBe('Grüße, 日本');
  });

  it('cuts long subjects with an ellipsis, never splitting a surrogate pair', () => {
    const subject = subjectLine('😀'.repeat(300));
    expect([...subject]).toHaveLength(200);
    expect(subject.endsWith('😀…')).toBe(true);
  });
});

describe('oneLine', () => {
  it('collapses whitespace runs and trims', () => {
    expect(oneLine('  Ada \n\n Lovelace  ')).toBe('Ada Lovelace');
  });
});

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('plainText', () => {
  it('normalises line breaks and drops control characters but keeps tabs and newlines', () => {
    expect(plainText('a\r\nb\rc\u0000d\te')).toBe('a\nb\ncd\te');
  });
});

describe('formatUtc', () => {
  it('formats an ISO time with any offset as UTC minutes', () => {
    expect(formatUtc('2025-03-01T10:30:00+01:00')).toBe('2025-03-01 09:30 UTC');
  });
});
