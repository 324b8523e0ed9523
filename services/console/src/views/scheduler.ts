import type { LeadershipView, ScheduleView, SlotView } from '../domain/ports.js';
import { badge, formatTime } from './format.js';
import { html, type Html } from './html.js';

export function leaderPanel(leadership: LeadershipView): Html {
  const lease = leadership.lease;
  if (!lease)
    return html`<p class="muted">No replica has ever led (is the scheduler running?).</p>`;
  return html`<dl class="facts" data-leader="${lease.live ? lease.holder : ''}">
    <dt>Leader</dt>
    <dd>
      <strong id="leader-holder">${lease.holder}</strong>
      ${lease.live ? badge('leading', 'ok') : badge('lease expired: no leader right now', 'bad')}
    </dd>
    <dt>Fencing token</dt>
    <dd id="leader-token">${lease.fencingToken}</dd>
    <dt>Leading since</dt>
    <dd>${formatTime(lease.since)}</dd>
    <dt>Lease expires</dt>
    <dd>${formatTime(lease.expiresAt)}</dd>
  </dl>`;
}

export function changesTable(leadership: LeadershipView): Html {
  if (leadership.changes.length === 0)
    return html`<p class="muted">No change of hands recorded.</p>`;
  return html`<div class="table-wrap">
    <table class="changes">
      <caption>
        Each time the lease changed hands, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Since</th>
          <th scope="col">Holder</th>
          <th scope="col" class="num">Fencing token</th>
        </tr>
      </thead>
      <tbody>
        ${leadership.changes.map(
          (c) =>
            html`<tr>
              <td>${formatTime(c.since)}</td>
              <th scope="row">${c.holder}</th>
              <td class="num">${c.fencingToken}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function schedulesList(
  schedules: readonly (ScheduleView & { readonly slots: readonly SlotView[] | Error })[],
): Html {
  return html`${schedules.map(
    (s) =>
      html`<article class="schedule" aria-labelledby="schedule-${s.name}">
        <h3 id="schedule-${s.name}">${s.name}</h3>
        <p>
          <code>${s.cron}</code> (${s.timezone}), missed slots: ${s.misfire}. Next fire:
          <strong>${formatTime(s.nextFireAt)}</strong>
        </p>
        ${
          s.slots instanceof Error
            ? html`<p class="problem">Recent slots unavailable: ${s.slots.message}</p>`
            : s.slots.length === 0
              ? html`<p class="muted">No slot fired yet.</p>`
              : html`<div class="table-wrap">
                  <table>
                    <caption>
                      Latest slots of ${s.name} in the ledger
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Slot</th>
                        <th scope="col" class="num">Claimed by token</th>
                        <th scope="col">Claimed at</th>
                        <th scope="col">Published</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${s.slots.map(
                        (slot) =>
                          html`<tr>
                            <td>${formatTime(slot.slot)}</td>
                            <td class="num">${slot.fencingToken}</td>
                            <td>${formatTime(slot.claimedAt)}</td>
                            <td>
                              ${
                                slot.published
                                  ? html`${badge('published', 'ok')} ${formatTime(slot.publishedAt)}`
                                  : badge('claimed, not published yet', 'warn')
                              }
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
        }
      </article>`,
  )}`;
}
