import { describe, expect, it } from 'vitest';
import {
  OutboxCursors,
  byStamp,
  isAfter,
  nextRead,
  type OutboxDoc,
  type Watermarks,
} from './outbox-cursor.js';

const t = Date.parse('2025-03-03T09:00:00Z');
const doc = (id: string, ms: number): OutboxDoc => ({ _id: id, outboxAt: new Date(ms) });

class MemoryWatermarks implements Watermarks {
  readonly saved: [string, Date][] = [];
  constructor(readonly stored: Map<string, Date> = new Map()) {}
  async load(name: string) {
    return this.stored.get(name);
  }
  async save(name: string, at: Date) {
    this.saved.push([name, at]);
    this.stored.set(name, at);
  }
}

describe('cursor order', () => {
  it('orders by stamp, then _id', () => {
    const docs = [doc('b', t), doc('a', t + 1), doc('a', t)];
    expect(docs.sort(byStamp).map((d) => [d._id, d.outboxAt?.getTime()])).toEqual([
      ['a', t],
      ['b', t],
      ['a', t + 1],
    ]);
  });

  it('without an id, resumes at the stamp itself; with one, after that document', () => {
    expect(isAfter(doc('a', t), { at: new Date(t) })).toBe(true);
    expect(isAfter(doc('a', t - 1), { at: new Date(t) })).toBe(false);
    expect(isAfter(doc('a', t), { at: new Date(t), id: 'a' })).toBe(false);
    expect(isAfter(doc('b', t), { at: new Date(t), id: 'a' })).toBe(true);
    expect(isAfter(doc('a', t + 1), { at: new Date(t), id: 'z' })).toBe(true);
  });
});

describe('OutboxCursors', () => {
  it('starts a week back without a watermark, and from the watermark otherwise', async () => {
    const cursors = new OutboxCursors(
      new MemoryWatermarks(new Map([['known', new Date(t - 5_000)]])),
      () => t,
    );
    expect((await cursors.of('new')).at.getTime()).toBe(t - 7 * 24 * 3_600_000);
    expect(await cursors.of('known')).toEqual({ at: new Date(t - 5_000) });
  });

  it('keeps advances in memory and stores a watermark only when it moved', async () => {
    const watermarks = new MemoryWatermarks(new Map([['c', new Date(t)]]));
    const cursors = new OutboxCursors(watermarks, () => t);
    await cursors.of('c');
    await cursors.save('c');
    expect(watermarks.saved).toEqual([]);
    cursors.advance('c', { at: new Date(t + 10), id: 'x' });
    expect(await cursors.of('c')).toEqual({ at: new Date(t + 10), id: 'x' });
    await cursors.save('c');
    await cursors.save('c');
    expect(watermarks.saved).toEqual([['c', new Date(t + 10)]]);
  });
});

describe('bucket walk', () => {
  it('probes whole hours behind the end, and reads minutes elsewhere', () => {
    expect(nextRead(120, 300)).toEqual({ kind: 'hour', hour: 2 });
    // An hour reaching the last minute is read minute by minute.
    expect(nextRead(240, 299)).toEqual({ kind: 'minute', minute: 240 });
    expect(nextRead(121, 300)).toEqual({ kind: 'minute', minute: 121 });
  });
});
