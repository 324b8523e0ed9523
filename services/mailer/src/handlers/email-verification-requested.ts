import type { Event } from '@herald/contracts';
import { accountLink } from '../domain/account-links.js';
import type { MailerPorts } from '../domain/ports.js';
import { verifyEmailMail } from '../templates/verify-email.js';
import { deliver, renderOrFail } from './deliver.js';

/** A new account gets its verification link (transactional: no preference turns it off). */
export async function onEmailVerificationRequested(
  event: Event<'user.email-verification-requested'>,
  ports: MailerPorts,
): Promise<void> {
  const { user, tokenId } = event.data;
  const link = accountLink(ports.accountLinks, 'verify-email', tokenId);
  const content = renderOrFail('verification', () => verifyEmailMail(event.data, link));
  await deliver(event, [{ to: { email: user.email, name: user.name }, content }], ports);
}
