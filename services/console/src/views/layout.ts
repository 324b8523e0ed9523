import { html, type Html } from './html.js';

export type Section = 'overview' | 'dead-letters' | 'scheduler' | 'traces';

export interface PageOptions {
  readonly title: string;
  readonly section?: Section;
  /** The session's CSRF token; absent for a bearer-token client and on the sign-in page. */
  readonly csrf?: string | undefined;
  /** Server-Sent Events URL the page's fragments are refreshed from. */
  readonly live?: string;
}

const nav: readonly { section: Section; href: string; label: string }[] = [
  { section: 'overview', href: '/', label: 'Overview' },
  { section: 'dead-letters', href: '/dead-letters', label: 'Dead letters' },
  { section: 'scheduler', href: '/scheduler', label: 'Scheduler' },
  { section: 'traces', href: '/traces', label: 'Traces' },
];

/** A form field carrying the session's CSRF token (checked on every POST). */
export function csrfField(csrf: string | undefined): Html {
  return html`<input type="hidden" name="csrf" value="${csrf ?? ''}" />`;
}

export function page(options: PageOptions, body: Html): Html {
  const links = nav.map(
    (item) =>
      html`<li>
        <a href="${item.href}" ${options.section === item.section ? html` aria-current="page"` : ''}
          >${item.label}</a
        >
      </li>`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Herald console</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <script type="module" src="/assets/console.js"></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">Herald console</a>
          ${
            options.section
              ? html`<nav aria-label="Console sections">
                    <ul>
                      ${links}
                    </ul>
                  </nav>
                  ${
                    options.csrf
                      ? html`<form class="sign-out" method="post" action="/sign-out">
                          ${csrfField(options.csrf)}<button type="submit">Sign out</button>
                        </form>`
                      : ''
                  }`
              : ''
          }
        </header>
        <main id="main" tabindex="-1" ${options.live ? html` data-live="${options.live}"` : ''}>
          <h1>${options.title}</h1>
          ${body}
        </main>
        ${
          options.live
            ? html`<p class="live-status" id="live-status" role="status" aria-live="polite"></p>`
            : ''
        }
      </body>
    </html>`;
}

/** A titled section whose body a live page replaces in place (its id is the fragment's id). */
export function section(id: string, title: string, body: Html): Html {
  return html`<section aria-labelledby="${id}-title">
    <h2 id="${id}-title">${title}</h2>
    <div id="${id}">${body}</div>
  </section>`;
}
