import { z } from 'zod';
import { Handle, Id, IsoTime, Recipient } from './common.js';

export const UserRegistered = z.object({
  userId: Id,
  email: z.email(),
  name: z.string().min(1).max(200),
  handle: Handle,
});
export type UserRegistered = z.infer<typeof UserRegistered>;

/**
 * A single-use e-mail link was issued. The event names the token by its id only (events are kept
 * in the API's store): the link's token is derived from the id with the shared link secret
 * (`linkToken` of @herald/auth), so only the API and the mailer can make it.
 */
const linkTokenIssued = () => z.object({ user: Recipient, tokenId: Id, expiresAt: IsoTime });

export const UserEmailVerificationRequested = linkTokenIssued();
export type UserEmailVerificationRequested = z.infer<typeof UserEmailVerificationRequested>;

export const UserPasswordResetRequested = linkTokenIssued();
export type UserPasswordResetRequested = z.infer<typeof UserPasswordResetRequested>;

/** Someone tried to register an address that already has an account: its owner is told. */
export const UserRegistrationAttempted = z.object({
  user: Recipient,
  attemptId: Id,
});
export type UserRegistrationAttempted = z.infer<typeof UserRegistrationAttempted>;

/** A password reset was confirmed; every session of the user was revoked. */
export const UserPasswordChanged = z.object({
  user: Recipient,
});
export type UserPasswordChanged = z.infer<typeof UserPasswordChanged>;
