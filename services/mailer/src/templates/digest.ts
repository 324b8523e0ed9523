import type { DigestCompiled } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { formatUtc, oneLine, subjectLine } from './text.js';

const reason = 'You received this e-mail because daily digests are on for your account.';

/** Entries shown per workspace; the rest are counted. */
export const entriesPerWorkspace = 50;

/** One user's activity of a day, grouped by workspace. */
export function digestMail(data: DigestCompiled): RenderedMail {
  const day = oneLine(data.day);
  const name = oneLine(data.recipient.name);
  const sections = data.workspaces.map((ws) => {
    const shown = ws.entries.slice(0, entriesPerWorkspace);
    const more = ws.entries.length - shown.length;
    return {
      name: oneLine(ws.name) || 'Workspace',
      entries: shown.map((e) => ({ at: formatUtc(e.at), summary: oneLine(e.summary) })),
      more: more > 0 ? `and ${more} more` : '',
    };
  });
  const htmlSections = sections.map(
    (s) =>
      html`<h2 style="font-size:16px;margin:24px 0 8px">${s.name}</h2>
        <ul style="padding-left:20px;margin:0">
          ${s.entries.map(
            (e) =>
              html`<li style="margin:4px 0">
                ${e.summary} <span style="color:#6b778c">${e.at}</span>
              </li>`,
          )}
        </ul>
        ${s.more ? html`<p style="color:#6b778c">${s.more}</p>` : html``}`,
  );
  return {
    subject: subjectLine(`Your Herald digest for ${day}`),
    html: page({
      title: `Your digest for ${day}`,
      body: html`${greeting(name)}${htmlSections}`,
      reason,
    }),
    text: textPage(
      [
        `Hi ${name},`,
        '',
        `Your Herald digest for ${day}`,
        ...sections.flatMap((s) => [
          '',
          s.name,
          ...s.entries.map((e) => `- ${e.summary} (${e.at})`),
          ...(s.more ? [s.more] : []),
        ]),
      ],
      reason,
    ),
  };
}
