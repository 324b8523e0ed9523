import type { DigestCompiled } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { formatUtc, oneLine, subjectLine } from './text.js';

const reason = 'You received this e-mail because daily digests are on for your account.';

/** One user's activity of a day, grouped by workspace, with what the activity service left out. */
export function digestMail(data: DigestCompiled): RenderedMail {
  const day = oneLine(data.day);
  const name = oneLine(data.recipient.name);
  const sections = data.workspaces.map((ws) => ({
    name: oneLine(ws.name) || 'Workspace',
    entries: ws.entries.map((e) => ({ at: formatUtc(e.at), summary: oneLine(e.summary) })),
    more: ws.more > 0 ? `and ${ws.more} more` : '',
  }));
  const moreWorkspaces =
    data.moreWorkspaces > 0
      ? `and news in ${data.moreWorkspaces} more workspace${data.moreWorkspaces === 1 ? '' : 's'}`
      : '';
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
      body: html`${greeting(name)}${htmlSections}${
        moreWorkspaces ? html`<p style="color:#6b778c">${moreWorkspaces}</p>` : html``
      }`,
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
        ...(moreWorkspaces ? ['', moreWorkspaces] : []),
      ],
      reason,
    ),
  };
}
