// @ts-check
// The console's only script. Pages work without it (forms post, links navigate); with it, a page
// whose <main> has data-live keeps its sections current from the server's event stream: each
// `fragments` event carries [{id, html}] rendered by the same code that drew the page.
const main = document.querySelector('main[data-live]');
const status = document.getElementById('live-status');

/** @param {string} text */
function say(text) {
  if (status) status.textContent = text;
}

/**
 * Replaces one section's markup, keeping keyboard focus on the same control if it is still there.
 * @param {string} id
 * @param {string} html
 */
function replace(id, html) {
  const target = document.getElementById(id);
  if (!target) return;
  const active = document.activeElement;
  const focusedId = active && target.contains(active) ? active.id : '';
  target.innerHTML = html;
  if (focusedId) document.getElementById(focusedId)?.focus();
}

if (main instanceof HTMLElement && main.dataset.live && 'EventSource' in globalThis) {
  const source = new EventSource(main.dataset.live);
  source.addEventListener('fragments', (event) => {
    const data = /** @type {MessageEvent<string>} */ (event).data;
    const fragments = /** @type {{id: string, html: string}[]} */ (JSON.parse(data));
    for (const { id, html } of fragments) replace(id, html);
    say(`Live: updated ${new Date().toISOString().slice(11, 19)} UTC`);
  });
  source.addEventListener('error', () => {
    say(
      source.readyState === EventSource.CLOSED
        ? 'Live updates stopped: reload the page (signed out?)'
        : 'Live updates paused: reconnecting…',
    );
  });
}
