import type { UserRegistrationAttempted } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { oneLine } from './text.js';

const reason = 'You received this e-mail because this address has a Herald account.';

/** Told to the owner of an address someone tried to register again. */
export function registrationAttemptedMail(data: UserRegistrationAttempted): RenderedMail {
  const name = oneLine(data.user.name);
  const lines: [string, string] = [
    'Someone tried to create a Herald account with your e-mail address. Your account is unchanged.',
    'If it was you, sign in instead, or reset your password if you forgot it. If it was not you, you need do nothing.',
  ];
  return {
    subject: 'Someone tried to register with your address on Herald',
    html: page({
      title: 'Someone tried to register with your address',
      body: html`${greeting(name)}
        <p>${lines[0]}</p>
        <p>${lines[1]}</p>`,
      reason,
    }),
    text: textPage([`Hi ${name},`, '', ...lines], reason),
  };
}
