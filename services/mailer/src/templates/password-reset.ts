import type { UserPasswordResetRequested } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html, isWebUrl } from './html.js';
import { button, greeting, page, textPage } from './layout.js';
import { formatUtc, oneLine } from './text.js';

const reason =
  'You received this e-mail because someone asked to reset the password of the Herald account of ' +
  'this address. If it was not you, ignore it: your password stays as it is.';

/** The single-use link to choose a new password; `link` is the API's page (throws unless http(s)). */
export function passwordResetMail(data: UserPasswordResetRequested, link: string): RenderedMail {
  if (!isWebUrl(link))
    throw new Error(`password reset ${data.tokenId}: the link is not an http(s) URL`);
  const name = oneLine(data.user.name);
  const until = formatUtc(data.expiresAt);
  return {
    subject: 'Reset your Herald password',
    html: page({
      title: 'Reset your password',
      body: html`${greeting(name)}
        <p>Choose a new password for your Herald account.</p>
        ${button(link, 'Choose a new password')}
        <p style="font-size:12px;color:#6b778c">
          The link works once, until ${until}. Or open: ${link}
        </p>`,
      reason,
    }),
    text: textPage(
      [
        `Hi ${name},`,
        '',
        'Choose a new password for your Herald account:',
        link,
        '',
        `The link works once, until ${until}.`,
      ],
      reason,
    ),
  };
}
