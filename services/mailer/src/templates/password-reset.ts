import type { UserPasswordResetRequested } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { linkMail } from './link-mail.js';

const wording = {
  what: 'password reset',
  subject: 'Reset your Herald password',
  title: 'Reset your password',
  intro: 'Choose a new password for your Herald account',
  action: 'Choose a new password',
  reason:
    'You received this e-mail because someone asked to reset the password of the Herald account ' +
    'of this address. If it was not you, ignore it: your password stays as it is.',
};

/** The single-use link to choose a new password; `link` is the API's page. */
export function passwordResetMail(data: UserPasswordResetRequested, link: string): RenderedMail {
  return linkMail(wording, data, link);
}
