import { describe, expect, it } from 'vitest';
import { deriveTaskKey, keyPattern } from './workspace.js';

describe('deriveTaskKey', () => {
  it.each([
    ['Web Site', 'WS'],
    ['web site', 'WS'],
    ['Herald', 'HER'],
    ['Go', 'GO'],
    ['X', 'XX'],
    ['Café Olé', 'CO'],
    ['2025 roadmap!', 'ROA'],
    ['one two three four five six', 'OTTFF'],
    ['mobile-app_v2', 'MAV'],
    ['!!! 42', 'TASK'],
  ])('derives %j -> %s', (name, key) => {
    expect(deriveTaskKey(name)).toBe(key);
    expect(key).toMatch(keyPattern);
  });

  it('adds letters of the name, then A-Z, to avoid keys the creator already uses', () => {
    expect(deriveTaskKey('Web Site', new Set(['WS']))).toBe('WSE');
    expect(deriveTaskKey('Web Site', new Set(['WS', 'WSE', 'WSEB']))).toBe('WSEBI');
    expect(deriveTaskKey('Web Site', new Set(['WS', 'WSE', 'WSEB', 'WSEBI']))).toBe('WSA');
    expect(deriveTaskKey('Herald', new Set(['HER']))).toBe('HERA');
  });

  it('keeps letters only, 2 to 5 of them, whatever the name', () => {
    for (const name of ['a', 'Ünïcødé wörds here', 'x'.repeat(200), 'A B C D E F G', '中文 name']) {
      expect(deriveTaskKey(name)).toMatch(keyPattern);
    }
  });
});
