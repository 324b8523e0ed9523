import { html, type SafeHtml } from './html.js';

export interface Layout {
  /** Heading and <title>; plain text, escaped here. */
  readonly title: string;
  readonly body: SafeHtml;
  /** Why the reader got this e-mail, shown in the footer. */
  readonly reason: string;
}

/** The HTML document every Herald e-mail shares: inline styles only, as mail clients need. */
export function page({ title, body, reason }: Layout): string {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width" />
        <title>${title}</title>
      </head>
      <body
        style="margin:0;padding:24px;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#172b4d"
      >
        <div
          style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:6px;padding:24px"
        >
          <h1 style="font-size:20px;margin:0 0 16px">${title}</h1>
          ${body}
          <p style="margin:24px 0 0;font-size:12px;color:#6b778c">${reason}</p>
        </div>
      </body>
    </html> `.value;
}

/** A call-to-action link; `href` must already be checked with isWebUrl. */
export function button(href: string, label: string): SafeHtml {
  return html`<p style="margin:24px 0">
    <a
      href="${href}"
      style="background:#0052cc;color:#ffffff;padding:10px 16px;border-radius:4px;text-decoration:none"
      >${label}</a
    >
  </p>`;
}

/** `Hi <name>,` as the first paragraph; the name is escaped like any other value. */
export function greeting(name: string): SafeHtml {
  return html`<p>Hi ${name},</p>`;
}

/** The plain-text part: body lines, then the footer. */
export function textPage(lines: readonly string[], reason: string): string {
  return `${lines.join('\n')}\n\n--\n${reason}\n`;
}
