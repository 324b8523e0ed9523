import type { UserPasswordChanged } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { oneLine } from './text.js';

const reason = 'You received this e-mail because the password of your Herald account changed.';

/** Sent after a password reset: every device was signed out. */
export function passwordChangedMail(data: UserPasswordChanged): RenderedMail {
  const name = oneLine(data.user.name);
  const lines: [string, string] = [
    'The password of your Herald account was changed, and every device signed in to it was signed out.',
    'If it was not you, reset your password at once and tell your workspace administrators.',
  ];
  return {
    subject: 'Your Herald password was changed',
    html: page({
      title: 'Your password was changed',
      body: html`${greeting(name)}
        <p>${lines[0]}</p>
        <p>${lines[1]}</p>`,
      reason,
    }),
    text: textPage([`Hi ${name},`, '', ...lines], reason),
  };
}
