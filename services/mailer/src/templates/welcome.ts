import type { UserRegistered } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { page, textPage } from './layout.js';
import { oneLine, subjectLine } from './text.js';

const reason = 'You received this e-mail because an account was created with this address.';

/** Sent once to a new account. */
export function welcomeMail(data: UserRegistered): RenderedMail {
  const name = oneLine(data.name);
  const handle = oneLine(data.handle);
  return {
    subject: subjectLine(`Welcome to Herald, ${name}`),
    html: page({
      title: `Welcome to Herald, ${name}`,
      body: html`<p>Your account <strong>@${handle}</strong> is ready.</p>
        <p>Create a workspace or accept an invite to get started.</p>`,
      reason,
    }),
    text: textPage(
      [
        `Welcome to Herald, ${name}`,
        '',
        `Your account @${handle} is ready.`,
        'Create a workspace or accept an invite to get started.',
      ],
      reason,
    ),
  };
}
