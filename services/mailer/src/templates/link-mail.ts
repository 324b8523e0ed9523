import type { UserEmailVerificationRequested } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html, isWebUrl } from './html.js';
import { button, greeting, page, textPage } from './layout.js';
import { formatUtc, oneLine } from './text.js';

/** The wording of one kind of single-use link e-mail. */
export interface LinkMailWording {
  /** Names the link in errors ("verification", "password reset"). */
  readonly what: string;
  readonly subject: string;
  readonly title: string;
  /** The sentence the link follows. */
  readonly intro: string;
  readonly action: string;
  readonly reason: string;
}

/**
 * An e-mail whose point is one single-use link to an API page (verification, password reset), with
 * when it stops working. Throws unless `link` is http(s).
 */
export function linkMail(
  wording: LinkMailWording,
  data: Pick<UserEmailVerificationRequested, 'user' | 'tokenId' | 'expiresAt'>,
  link: string,
): RenderedMail {
  if (!isWebUrl(link)) {
    throw new Error(`${wording.what} ${data.tokenId}: the link is not an http(s) URL`);
  }
  const name = oneLine(data.user.name);
  const until = formatUtc(data.expiresAt);
  return {
    subject: wording.subject,
    html: page({
      title: wording.title,
      body: html`${greeting(name)}
        <p>${wording.intro}</p>
        ${button(link, wording.action)}
        <p style="font-size:12px;color:#6b778c">
          The link works once, until ${until}. Or open: ${link}
        </p>`,
      reason: wording.reason,
    }),
    text: textPage(
      [`Hi ${name},`, '', `${wording.intro}:`, link, '', `The link works once, until ${until}.`],
      wording.reason,
    ),
  };
}
