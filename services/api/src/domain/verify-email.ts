import { AppError } from '@herald/errors';
import { spendLinkToken } from './link-token.js';
import type { ApiPorts } from './ports.js';

/** The owner opened the verification link: the address is proven. */
export async function verifyEmail(token: string, ports: ApiPorts): Promise<void> {
  const record = await spendLinkToken('verify-email', token, ports);
  if (!(await ports.users.markVerified(record.userId, ports.now()))) {
    throw new AppError('gone', 'the account of this link no longer exists');
  }
}
