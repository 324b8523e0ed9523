import { verifyUnsubscribeToken, type UnsubscribeSubject } from '@herald/auth';
import { AppError } from '@herald/errors';
import type { ApiPorts } from './ports.js';
import { changePreferences } from './preferences.js';

/** Whom and what a token names; 400 with the reason for a tampered or malformed one. */
export async function unsubscribeSubject(
  token: string,
  ports: Pick<ApiPorts, 'unsubscribeSecret' | 'users'>,
): Promise<UnsubscribeSubject> {
  const verdict = verifyUnsubscribeToken(ports.unsubscribeSecret, token);
  if (!verdict.ok) throw new AppError('validation', verdict.reason);
  if (!(await ports.users.byId(verdict.userId))) {
    throw new AppError('notFound', 'the unsubscribe link names an account that does not exist');
  }
  return { userId: verdict.userId, kind: verdict.kind };
}

/** Turns the token's kind of e-mail off for its user; again and again changes nothing more. */
export async function unsubscribe(
  token: string,
  ports: Pick<ApiPorts, 'unsubscribeSecret' | 'users' | 'preferences' | 'now'>,
): Promise<UnsubscribeSubject> {
  const subject = await unsubscribeSubject(token, ports);
  await changePreferences(subject.userId, { email: { [subject.kind]: false } }, ports);
  return subject;
}
