import { AppError } from '@herald/errors';
import type { ApiPorts } from './ports.js';
import { presentedToken, refreshTokenTtlMs, type PresentedToken } from './refresh-token.js';
import { hashSecret } from './secret.js';
import type { User } from './user.js';

/** What login and refresh hand out: a short-lived access token and a single-use refresh token. */
export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: User;
}

const refused: Record<Exclude<PresentedToken, 'usable'>, string> = {
  expired: 'refresh token expired',
  revoked: 'refresh token revoked',
};

export async function login(
  input: { readonly email: string; readonly password: string },
  ports: ApiPorts,
): Promise<Session> {
  const user = await ports.users.byEmail(input.email);
  if (!user) {
    // Same scrypt cost as a real check, so response time does not tell which e-mails have accounts.
    await ports.passwords.hash(input.password);
    throw new AppError('unauthorized', 'wrong e-mail or password');
  }
  if (!(await ports.passwords.verify(input.password, user.passwordHash))) {
    throw new AppError('unauthorized', 'wrong e-mail or password');
  }
  const familyId = ports.newId();
  const session = await issue(user, familyId, `login:${familyId}`, ports);
  if (session === 'parent-used') throw new Error(`refresh token family ${familyId} exists already`);
  return session;
}

/** Spends a refresh token for a new pair. A token presented a second time revokes its whole family. */
export async function refreshSession(refreshToken: string, ports: ApiPorts): Promise<Session> {
  const hash = hashSecret(refreshToken);
  const token = await ports.refreshTokens.byHash(hash);
  if (!token) throw new AppError('unauthorized', 'unknown refresh token');
  const familyRevoked = await ports.refreshTokens.familyRevoked(token.familyId);
  const state = presentedToken(token, familyRevoked, ports.now());
  if (state !== 'usable') throw new AppError('unauthorized', refused[state]);
  const user = await ports.users.byId(token.userId);
  if (!user) throw new AppError('unauthorized', 'the account of this refresh token is gone');

  const session = await issue(user, token.familyId, hash, ports);
  if (session === 'parent-used') {
    // Someone presents a token that was already spent: a copy exists (stolen or replayed), so
    // neither holder can be trusted and every token of this login stops working.
    await ports.refreshTokens.revokeFamily(token.familyId, ports.now());
    throw new AppError(
      'unauthorized',
      'refresh token reused; every session of this login is revoked',
    );
  }
  // A revocation that raced this refresh may have missed the successor: check after writing it.
  if (await ports.refreshTokens.familyRevoked(token.familyId)) {
    await ports.refreshTokens.revokeFamily(token.familyId, ports.now());
    throw new AppError('unauthorized', refused.revoked);
  }
  return session;
}

/** Ends the login a refresh token belongs to. Unknown tokens and other users' tokens change nothing. */
export async function logout(
  refreshToken: string,
  callerId: string,
  ports: ApiPorts,
): Promise<void> {
  const token = await ports.refreshTokens.byHash(hashSecret(refreshToken));
  if (token?.userId === callerId)
    await ports.refreshTokens.revokeFamily(token.familyId, ports.now());
}

/** For the token-cleanup schedule: expired tokens can never be spent, so they go. Returns the count. */
export function deleteExpiredRefreshTokens(
  now: Date,
  ports: Pick<ApiPorts, 'refreshTokens'>,
): Promise<number> {
  return ports.refreshTokens.deleteExpired(now);
}

async function issue(
  user: User,
  familyId: string,
  parent: string,
  ports: ApiPorts,
): Promise<Session | 'parent-used'> {
  const secret = ports.newSecret();
  const now = ports.now();
  const stored = await ports.refreshTokens.insert({
    hash: hashSecret(secret),
    userId: user.id,
    familyId,
    parent,
    createdAt: now,
    expiresAt: new Date(now.getTime() + refreshTokenTtlMs),
  });
  if (stored === 'parent-used') return stored;
  const accessToken = await ports.accessTokens.sign({
    userId: user.id,
    handle: user.handle,
    name: user.name,
  });
  return { accessToken, refreshToken: secret, user };
}
