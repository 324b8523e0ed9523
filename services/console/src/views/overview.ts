import type { ConsumerHealthView, OutboxState, ServiceReadiness } from '../domain/ports.js';
import type { ConsumerQueues } from '../domain/queues.js';
import { badge, formatDuration, formatRate, formatTime } from './format.js';
import { html, type Html } from './html.js';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export function queuesTable(groups: readonly ConsumerQueues[]): Html {
  const rows = groups.map((g) => {
    const dlqDepth = (g.dlq?.ready ?? 0) + (g.dlq?.unacked ?? 0);
    const waiting = sum(g.waits.map((w) => w.ready + w.unacked));
    const waits = g.waits.length
      ? html`<details>
          <summary>${waiting} in ${g.waits.length}</summary>
          <ul class="plain">
            ${g.waits.map((w) => html`<li><code>${w.name}</code>: ${w.ready + w.unacked}</li>`)}
          </ul>
        </details>`
      : html`<span class="muted">none</span>`;
    return html`<tr data-queue="${g.queue}">
      <th scope="row">${g.queue}</th>
      ${
        g.main
          ? html`<td class="num">${g.main.ready}</td>
              <td class="num">${g.main.unacked}</td>
              <td class="num">${g.main.consumers === 0 ? badge('0', 'bad') : g.main.consumers}</td>
              <td class="num">${formatRate(g.main.publishRate)}</td>
              <td class="num">${formatRate(g.main.deliverRate)}</td>`
          : html`<td colspan="5" class="muted">not declared yet (has the service started?)</td>`
      }
      <td>${waits}</td>
      <td class="num">
        <a href="/dead-letters/${g.queue}" aria-label="${g.queue} dead letters: ${dlqDepth}"
          >${dlqDepth > 0 ? badge(String(dlqDepth), 'bad') : '0'}</a
        >
      </td>
    </tr>`;
  });
  return html`<div class="table-wrap">
    <table>
      <caption>
        Each consuming queue (a service's main queue and its lanes), its retry wait queues and its
        dead-letter queue
      </caption>
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col" class="num">Ready</th>
          <th scope="col" class="num">Unacked</th>
          <th scope="col" class="num">Consumers</th>
          <th scope="col" class="num">Publish</th>
          <th scope="col" class="num">Deliver</th>
          <th scope="col">Waiting to retry</th>
          <th scope="col" class="num">DLQ</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

export function readinessTable(services: readonly ServiceReadiness[]): Html {
  const tone = { ready: 'ok', 'not-ready': 'bad', unreachable: 'bad' } as const;
  return html`<div class="table-wrap">
    <table>
      <caption>
        Each service's /readyz
      </caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Readiness</th>
          <th scope="col">Failing checks</th>
          <th scope="col">Address</th>
        </tr>
      </thead>
      <tbody>
        ${services.map(
          (s) =>
            html`<tr>
              <th scope="row">${s.service}</th>
              <td>${badge(s.status, tone[s.status])}</td>
              <td>
                ${s.failing.length ? s.failing.join(', ') : html`<span class="muted">none</span>`}
              </td>
              <td><code>${s.url}</code></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function outboxTable(outboxes: readonly OutboxState[]): Html {
  if (outboxes.length === 0) return html`<p class="muted">No service reports an outbox.</p>`;
  return html`<div class="table-wrap">
    <table>
      <caption>
        Events written but not yet confirmed by the broker
      </caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col" class="num">Backlog</th>
          <th scope="col" class="num">Oldest waiting</th>
        </tr>
      </thead>
      <tbody>
        ${outboxes.map(
          (o) =>
            html`<tr>
              <th scope="row">${o.service}</th>
              <td class="num">${o.backlog > 0 ? badge(String(o.backlog), 'warn') : '0'}</td>
              <td class="num">${o.backlog > 0 ? formatDuration(o.oldestAgeSeconds) : '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function pipelineTable(consumers: readonly ConsumerHealthView[]): Html {
  if (consumers.length === 0) {
    return html`<p class="muted">
      The scheduler watches no consumer (its PIPELINE_TARGETS is empty).
    </p>`;
  }
  const tone = (status: string) => (status === 'ok' ? 'ok' : status === 'lagging' ? 'warn' : 'bad');
  return html`<div class="table-wrap">
    <table>
      <caption>
        Age of the last system.heartbeat each consumer handled (one fires every minute)
      </caption>
      <thead>
        <tr>
          <th scope="col">Consumer</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">Lag</th>
          <th scope="col">Last heartbeat slot</th>
        </tr>
      </thead>
      <tbody>
        ${consumers.map(
          (c) =>
            html`<tr>
              <th scope="row">${c.service}</th>
              <td>${badge(c.status, tone(c.status))}</td>
              <td class="num">${formatDuration(c.lagSeconds)}</td>
              <td>${formatTime(c.lastSlot)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
