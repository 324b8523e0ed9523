import { describe, expect, it } from 'vitest';
import { OneLine } from './schemas.js';

describe('OneLine', () => {
  const name = OneLine(80);

  it('takes a trimmed line of text in any script', () => {
    expect(name.parse('  Ünïcode 東京 שלום  ')).toBe('Ünïcode 東京 שלום');
  });

  it.each([
    ['right-to-left override', 'Invoice \u202Egpj.exe'],
    ['left-to-right embedding', '\u202Aname'],
    ['first-strong isolate', 'a\u2068b\u2069'],
    ['line break', 'one\ntwo'],
    ['escape', 'bell\u0007'],
  ])('refuses a %s with a reason', (_what, value) => {
    const result = name.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/must/);
  });
});
