import type { DeadLetter } from '@herald/bus';
import type { ConsumerQueues } from '../domain/queues.js';
import type { ReplayProgress } from '../domain/replay-jobs.js';
import { badge, formatDuration, formatTime, traceIdOf } from './format.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/** Where a trace id leads: Jaeger's UI when one is configured, else the console's waterfall. */
export type TraceHref = (traceId: string) => string;

const messageHref = (service: string, id: string) =>
  `/dead-letters/${service}/messages/${encodeURIComponent(id)}`;

export function dlqIndex(groups: readonly ConsumerQueues[]): Html {
  return html`<div class="table-wrap">
    <table>
      <caption>
        One dead-letter queue per consuming queue (a service's main queue and each of its lanes)
      </caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col" class="num">Dead letters</th>
        </tr>
      </thead>
      <tbody>
        ${groups.map((g) => {
          const depth = (g.dlq?.ready ?? 0) + (g.dlq?.unacked ?? 0);
          return html`<tr>
            <th scope="row"><a href="/dead-letters/${g.queue}">${g.queue}</a></th>
            <td class="num">${depth > 0 ? badge(String(depth), 'bad') : '0'}</td>
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

export function messagesTable(
  service: string,
  letters: readonly DeadLetter[],
  options: { readonly csrf: string | undefined; readonly now: Date; readonly limit: number },
): Html {
  if (letters.length === 0) {
    return html`<p class="empty">No dead letters in ${service}'s DLQ.</p>`;
  }
  const rows = letters.map((d, i) => {
    const id = d.messageId;
    const label = id ?? `message ${i + 1} (no id)`;
    const age = d.failedAt ? (options.now.getTime() - Date.parse(d.failedAt)) / 1_000 : null;
    return html`<tr data-message-id="${id ?? ''}">
      <td>
        ${id ? html`<a href="${messageHref(service, id)}"><code>${id}</code></a>` : html`<span class="muted">no id</span>`}
      </td>
      <td>${d.type ?? '—'}</td>
      <td>${d.kind ? badge(d.kind, d.kind === 'invalid' ? 'warn' : 'bad') : '—'}</td>
      <td class="num">${d.attempts ?? '—'}</td>
      <td class="error-text">${d.error ?? '—'}</td>
      <td class="num" title="${formatTime(d.failedAt)}">${formatDuration(age)}</td>
      <td class="actions">
        ${
          id
            ? html`<form method="post" action="/dead-letters/${service}/replay">
                  ${csrfField(options.csrf)}<input type="hidden" name="message" value="${id}" />
                  <button type="submit" id="replay-${id}" aria-label="Replay ${label}">
                    Replay
                  </button>
                </form>
                <a
                  class="button danger"
                  href="/dead-letters/${service}/purge?message=${encodeURIComponent(id)}"
                  aria-label="Purge ${label}"
                  >Purge</a
                >`
            : html`<span class="muted">needs an id</span>`
        }
      </td>
    </tr>`;
  });
  return html`<div class="table-wrap">
    <table class="messages">
      <caption>
        ${
          letters.length >= options.limit
            ? `The oldest ${letters.length} dead letters`
            : `${letters.length} dead letter${letters.length === 1 ? '' : 's'}`
        },
        oldest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Message id</th>
          <th scope="col">Type</th>
          <th scope="col">Kind</th>
          <th scope="col" class="num">Attempts</th>
          <th scope="col">Error</th>
          <th scope="col" class="num">Age</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

export function replayControls(
  service: string,
  progress: ReplayProgress | undefined,
  csrf: string | undefined,
): Html {
  const running = progress?.state === 'running';
  const status = progress
    ? html`<div class="replay-progress">
        <label for="replay-progress-bar">
          ${
            running
              ? `Replaying: ${progress.done} of ${progress.total}`
              : progress.state === 'failed'
                ? `Replay stopped after ${progress.done} of ${progress.total}: ${progress.error ?? ''}`
                : `Replayed ${progress.done} of ${progress.total} at ${formatTime(progress.finishedAt ?? null)}`
          }
        </label>
        <progress
          id="replay-progress-bar"
          max="${Math.max(progress.total, 1)}"
          value="${progress.total === 0 ? 1 : progress.done}"
        >
          ${progress.done} of ${progress.total}
        </progress>
      </div>`
    : '';
  return html`<div class="toolbar">
      <form method="post" action="/dead-letters/${service}/replay-all">
        ${csrfField(csrf)}
        <button type="submit" id="replay-all" ${running ? html` disabled` : ''}>Replay all</button>
      </form>
      <a class="button danger" id="purge-all" href="/dead-letters/${service}/purge?all=1"
        >Purge all</a
      >
    </div>
    ${status}`;
}

/** Everything about one dead letter: headers, body, error, where it was first routed. */
export function messageDetail(
  service: string,
  letter: DeadLetter,
  options: {
    readonly csrf: string | undefined;
    readonly traceHref: TraceHref;
    readonly headers: string;
  },
): Html {
  const traceId = traceIdOf(letter.traceparent);
  const id = letter.messageId ?? '';
  const rows: [string, Html | string][] = [
    ['Type', letter.type ?? '—'],
    ['Kind', letter.kind ?? '—'],
    ['Attempts', String(letter.attempts ?? '—')],
    ['Error', letter.error ?? '—'],
    ['Failed at', formatTime(letter.failedAt)],
    ['Consumer', letter.consumer ?? '—'],
    ['Original exchange', letter.originalExchange ?? '—'],
    ['Original routing key', letter.originalRoutingKey ?? '—'],
    [
      'Trace',
      traceId ? html`<a href="${options.traceHref(traceId)}"><code>${traceId}</code></a>` : '—',
    ],
  ];
  return html`<dl class="facts">
      ${rows.map(
        ([term, value]) =>
          html`<dt>${term}</dt>
            <dd>${value}</dd>`,
      )}
    </dl>
    <div class="toolbar">
      <form method="post" action="/dead-letters/${service}/replay">
        ${csrfField(options.csrf)}<input type="hidden" name="message" value="${id}" />
        <button type="submit">Replay this message</button>
      </form>
      <a
        class="button danger"
        href="/dead-letters/${service}/purge?message=${encodeURIComponent(id)}"
        >Purge this message</a
      >
    </div>
    <h2>Headers</h2>
    <pre class="code" tabindex="0" aria-label="Headers">${options.headers}</pre>
    <h2>Body</h2>
    <pre class="code" tabindex="0" aria-label="Body">${prettyBody(letter.body)}</pre>
    <p><a href="/dead-letters/${service}">Back to ${service}'s dead letters</a></p>`;
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body; // not JSON (that may be why it is here): shown as it came
  }
}

export function purgeConfirmation(
  service: string,
  target: { readonly messageId: string } | { readonly all: true; readonly count: number },
  csrf: string | undefined,
): Html {
  const what =
    'all' in target
      ? `all ${target.count} dead letter${target.count === 1 ? '' : 's'} in ${service}'s DLQ`
      : html`message <code>${target.messageId}</code> from ${service}'s DLQ`;
  return html`<div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
    <p id="confirm-text">
      Delete ${what}? This cannot be undone; replay instead to process it again.
    </p>
    <form method="post" action="/dead-letters/${service}/purge">
      ${csrfField(csrf)}
      ${
        'all' in target
          ? html`<input type="hidden" name="all" value="1" />`
          : html`<input type="hidden" name="message" value="${target.messageId}" />`
      }
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger" autofocus>Purge</button>
      <a class="button" href="/dead-letters/${service}">Cancel</a>
    </form>
  </div>`;
}

export type Notice =
  | { readonly kind: 'replayed' | 'purged'; readonly count: number }
  | { readonly kind: 'replay-started' | 'replay-busy' };

export function notice(n: Notice | undefined): Html {
  if (!n) return html``;
  const text =
    n.kind === 'replayed'
      ? `Replayed ${n.count} message${n.count === 1 ? '' : 's'} to the queue.`
      : n.kind === 'purged'
        ? `Purged ${n.count} message${n.count === 1 ? '' : 's'}.`
        : n.kind === 'replay-started'
          ? 'Replay started; its progress shows below.'
          : 'A replay of this DLQ is already running.';
  return html`<p class="notice" role="status">${text}</p>`;
}
