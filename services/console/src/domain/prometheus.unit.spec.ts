import { describe, expect, it } from 'vitest';
import { sampleSum } from './prometheus.js';

const text = `# HELP herald_outbox_backlog Events written but not yet confirmed by the broker
# TYPE herald_outbox_backlog gauge
herald_outbox_backlog{service="api"} 4
herald_outbox_backlog_extra{service="api"} 100
herald_outbox_oldest_age_seconds{service="api"} 12.5
herald_plain 3
herald_plain{shard="b"} 2
herald_broken{service="api"} NaN
`;

describe('Prometheus text', () => {
  it("reads a metric's value, ignoring metrics that only share its prefix", () => {
    expect(sampleSum(text, 'herald_outbox_backlog')).toBe(4);
    expect(sampleSum(text, 'herald_outbox_oldest_age_seconds')).toBe(12.5);
  });

  it('adds up the samples of every label set, with or without labels', () => {
    expect(sampleSum(text, 'herald_plain')).toBe(5);
  });

  it('answers undefined for a metric with no usable sample', () => {
    expect(sampleSum(text, 'herald_missing')).toBeUndefined();
    expect(sampleSum(text, 'herald_broken')).toBeUndefined();
  });
});
