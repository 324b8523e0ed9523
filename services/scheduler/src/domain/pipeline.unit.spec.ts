import { describe, expect, it } from 'vitest';
import { judge } from './pipeline.js';

describe('pipeline health', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('is ok while heartbeats keep arriving, lagging after a missed one, silent after several', () => {
    expect(judge('mailer', '2026-01-01T11:59:00Z', now)).toMatchObject({
      status: 'ok',
      lagSeconds: 60,
    });
    expect(judge('mailer', '2026-01-01T11:57:00Z', now)).toMatchObject({
      status: 'lagging',
      lagSeconds: 180,
    });
    expect(judge('mailer', '2026-01-01T11:50:00Z', now)).toMatchObject({
      status: 'silent',
      lagSeconds: 600,
    });
  });

  it('calls a consumer that never saw a heartbeat silent', () => {
    expect(judge('mailer', null, now)).toEqual({
      service: 'mailer',
      status: 'silent',
      lastSlot: null,
      lagSeconds: null,
    });
  });
});
