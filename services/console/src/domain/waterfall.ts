import type { JaegerTrace } from './ports.js';

/** One span as a row of the waterfall: indented under its parent, placed on the trace's timeline. */
export interface WaterfallRow {
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  readonly depth: number;
  /** Start after the trace's first span, and length, in ms. */
  readonly offsetMs: number;
  readonly durationMs: number;
  /** The same as percentages of the whole trace, for drawing the bar. */
  readonly leftPercent: number;
  readonly widthPercent: number;
}

export interface Waterfall {
  readonly traceId: string;
  readonly totalMs: number;
  readonly services: readonly string[];
  readonly rows: readonly WaterfallRow[];
}

const round = (n: number) => Math.round(n * 1_000) / 1_000;

/**
 * Lays a trace out depth first: each span under its parent (CHILD_OF, else FOLLOWS_FROM), siblings
 * by start time. A span whose parent is not in the trace (not exported yet, or from a service
 * that does not trace) is shown as a root.
 */
export function layOut(trace: JaegerTrace): Waterfall {
  const spans = [...trace.spans].sort((a, b) => a.startTime - b.startTime);
  const ids = new Set(spans.map((s) => s.spanID));
  const children = new Map<string | undefined, typeof spans>();
  for (const span of spans) {
    const parent =
      span.references.find((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID)) ??
      span.references.find((r) => ids.has(r.spanID));
    const key = parent?.spanID;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const start = spans[0]?.startTime ?? 0;
  const end = Math.max(start, ...spans.map((s) => s.startTime + s.duration));
  const totalUs = Math.max(end - start, 1);
  const rows: WaterfallRow[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      rows.push({
        spanId: span.spanID,
        service: trace.processes[span.processID]?.serviceName ?? 'unknown',
        operation: span.operationName,
        depth,
        offsetMs: round((span.startTime - start) / 1_000),
        durationMs: round(span.duration / 1_000),
        leftPercent: round(((span.startTime - start) / totalUs) * 100),
        widthPercent: round(Math.max((span.duration / totalUs) * 100, 0.5)),
      });
      visit(span.spanID, depth + 1);
    }
  };
  visit(undefined, 0);
  return {
    traceId: trace.traceID,
    totalMs: round((end - start) / 1_000),
    services: [...new Set(rows.map((r) => r.service))],
    rows,
  };
}
