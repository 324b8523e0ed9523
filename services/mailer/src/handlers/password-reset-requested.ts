import type { Event } from '@herald/contracts';
import { accountLink } from '../domain/account-links.js';
import type { MailerPorts } from '../domain/ports.js';
import { passwordResetMail } from '../templates/password-reset.js';
import { deliver, renderOrFail } from './deliver.js';

/** The owner of the address gets the reset link (transactional). */
export async function onPasswordResetRequested(
  event: Event<'user.password-reset-requested'>,
  ports: MailerPorts,
): Promise<void> {
  const { user, tokenId } = event.data;
  const link = accountLink(ports.accountLinks, 'reset-password', tokenId);
  const content = renderOrFail('password reset', () => passwordResetMail(event.data, link));
  await deliver(event, [{ to: { email: user.email, name: user.name }, content }], ports);
}
