import { html, type Html } from './html.js';

/** `2026-01-01 09:00:05 UTC`: one zone on every page, whatever the operator's browser says. */
export function formatTime(iso: string | Date | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `45 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3_600)} h`;
}

export function formatRate(perSecond: number): string {
  return perSecond === 0
    ? '0/s'
    : `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

/** The trace id of a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '');
  return match?.[1];
}

/** A status word with its colour class; the word itself carries the meaning (not colour alone). */
export function badge(status: string, tone: 'ok' | 'warn' | 'bad'): Html {
  return html`<span class="badge badge-${tone}">${status}</span>`;
}

/** A failed read, shown in place of the section that needed it. */
export function problem(error: unknown): Html {
  const message = error instanceof Error ? error.message : String(error);
  return html`<p class="problem" role="alert">Could not load this: ${message}</p>`;
}
