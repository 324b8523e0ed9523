import type { Waterfall } from '../domain/waterfall.js';
import { html, type Html } from './html.js';

export function traceForm(value = ''): Html {
  return html`<form class="trace-form" method="get" action="/traces">
    <label for="trace-id">Trace id</label>
    <input
      id="trace-id"
      name="id"
      value="${value}"
      required
      pattern="[0-9a-fA-F]{16,32}"
      autocomplete="off"
      spellcheck="false"
      aria-describedby="trace-id-help"
    />
    <button type="submit">Open</button>
    <p id="trace-id-help" class="muted">
      32 hex digits: the <code>x-trace-id</code> header of an API response, or the trace of a dead
      letter.
    </p>
  </form>`;
}

/** Spans per service on one time axis; the table is the accessible version, the bars the picture. */
export function waterfallView(waterfall: Waterfall): Html {
  const serviceIndex = new Map(waterfall.services.map((s, i) => [s, i % 6]));
  return html`<p>
      ${waterfall.rows.length} spans across ${waterfall.services.length} services
      (${waterfall.services.join(', ')}), ${waterfall.totalMs} ms in all.
    </p>
    <div class="table-wrap">
      <table class="waterfall">
        <caption>
          Spans of trace
          <code>${waterfall.traceId}</code
          >, each under its parent, in start order
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Operation</th>
            <th scope="col" class="num">Starts at</th>
            <th scope="col" class="num">Takes</th>
            <th scope="col" class="timeline-col"><span class="visually-hidden">Timeline</span></th>
          </tr>
        </thead>
        <tbody>
          ${waterfall.rows.map(
            (row) =>
              html`<tr class="svc-${serviceIndex.get(row.service) ?? 0}">
                <td>${row.service}</td>
                <td class="operation depth-${Math.min(row.depth, 8)}">${row.operation}</td>
                <td class="num">${row.offsetMs} ms</td>
                <td class="num">${row.durationMs} ms</td>
                <td class="timeline">
                  <svg
                    viewBox="0 0 100 10"
                    preserveAspectRatio="none"
                    aria-hidden="true"
                    focusable="false"
                  >
                    <rect
                      x="${row.leftPercent}"
                      y="1"
                      width="${row.widthPercent}"
                      height="8"
                    ></rect>
                  </svg>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}
