import type { UserEmailVerificationRequested } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html, isWebUrl } from './html.js';
import { button, greeting, page, textPage } from './layout.js';
import { formatUtc, oneLine } from './text.js';

const reason =
  'You received this e-mail because a Herald account was created with this address. If it was ' +
  'not you, ignore it: the account stays unverified.';

/** The single-use link that proves a new account's address; `link` is the API's page (throws unless http(s)). */
export function verifyEmailMail(data: UserEmailVerificationRequested, link: string): RenderedMail {
  if (!isWebUrl(link))
    throw new Error(`verification ${data.tokenId}: the link is not an http(s) URL`);
  const name = oneLine(data.user.name);
  const until = formatUtc(data.expiresAt);
  return {
    subject: 'Verify your e-mail address for Herald',
    html: page({
      title: 'Verify your e-mail address',
      body: html`${greeting(name)}
        <p>Confirm that this address is yours to finish setting up your Herald account.</p>
        ${button(link, 'Verify my address')}
        <p style="font-size:12px;color:#6b778c">
          The link works once, until ${until}. Or open: ${link}
        </p>`,
      reason,
    }),
    text: textPage(
      [
        `Hi ${name},`,
        '',
        'Confirm that this address is yours to finish setting up your Herald account:',
        link,
        '',
        `The link works once, until ${until}.`,
      ],
      reason,
    ),
  };
}
