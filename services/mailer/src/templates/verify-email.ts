import type { UserEmailVerificationRequested } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { linkMail } from './link-mail.js';

const wording = {
  what: 'verification',
  subject: 'Verify your e-mail address for Herald',
  title: 'Verify your e-mail address',
  intro: 'Confirm that this address is yours to finish setting up your Herald account',
  action: 'Verify my address',
  reason:
    'You received this e-mail because a Herald account was created with this address. If it was ' +
    'not you, ignore it: the account stays unverified.',
};

/** The single-use link that proves a new account's address; `link` is the API's page. */
export function verifyEmailMail(data: UserEmailVerificationRequested, link: string): RenderedMail {
  return linkMail(wording, data, link);
}
