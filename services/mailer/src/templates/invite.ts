import type { WorkspaceMemberInvited } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html, isWebUrl } from './html.js';
import { button, page, textPage } from './layout.js';
import { oneLine, subjectLine } from './text.js';

const reason = 'You received this e-mail because a Herald user invited this address.';

/** The invite, with its single-use accept link. Throws when the link is not http(s). */
export function inviteMail(data: WorkspaceMemberInvited): RenderedMail {
  if (!isWebUrl(data.acceptUrl)) {
    throw new Error(`invite ${data.inviteId}: acceptUrl is not an http(s) URL`);
  }
  const inviter = oneLine(data.invitedBy.name);
  const workspace = oneLine(data.workspaceName);
  return {
    subject: subjectLine(`${inviter} invited you to ${workspace} on Herald`),
    html: page({
      title: `Join ${workspace} on Herald`,
      body: html`<p>
          <strong>${inviter}</strong> invited you to the workspace <strong>${workspace}</strong>.
        </p>
        ${button(data.acceptUrl, 'Accept the invite')}
        <p style="font-size:12px;color:#6b778c">Or open this link: ${data.acceptUrl}</p>`,
      reason,
    }),
    text: textPage(
      [
        `${inviter} invited you to the workspace ${workspace} on Herald.`,
        '',
        'Accept the invite:',
        data.acceptUrl,
      ],
      reason,
    ),
  };
}
