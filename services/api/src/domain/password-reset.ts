import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import { newLinkToken, spendLinkToken } from './link-token.js';
import type { ApiPorts } from './ports.js';
import { personOf } from './user.js';

/** Mails a reset link when the address has an account; the caller is told the same either way. */
export async function requestPasswordReset(email: string, ports: ApiPorts): Promise<void> {
  const user = await ports.users.byEmail(email.toLowerCase());
  if (!user) return;
  const { record, event } = newLinkToken('reset-password', user, ports);
  await ports.linkTokens.create(record, [event]);
}

/**
 * Sets the new password, with `user.password-changed` for the owner, and revokes every refresh
 * token of the user. The link reached the address, so it also counts as verifying it.
 */
export async function confirmPasswordReset(
  input: { readonly token: string; readonly password: string },
  ports: ApiPorts,
): Promise<void> {
  // Hashed before the token is spent, so a failure here leaves the link usable.
  const passwordHash = await ports.passwords.hash(input.password);
  const record = await spendLinkToken('reset-password', input.token, ports);
  const user = await ports.users.byId(record.userId);
  if (!user) throw new AppError('gone', 'the account of this link no longer exists');
  const now = ports.now();
  const { userId, email, name } = personOf(user);
  const changed = createEvent('user.password-changed', { user: { userId, email, name } }, 'api', {
    time: now,
  });
  await ports.users.changePassword(
    user.id,
    { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now },
    [changed],
  );
  await ports.refreshTokens.revokeUser(user.id, now);
}
