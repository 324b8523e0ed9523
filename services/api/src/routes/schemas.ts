import { z } from 'zod';

/** Ids the API mints are uuids; anything else is a malformed request, not an unknown id. */
export const IdParams = z.strictObject({ id: z.uuid() });

/** Invite tokens are 32 random bytes in base64url. */
export const InviteTokenParams = z.strictObject({
  token: z.string().regex(/^[\w-]{43}$/, 'malformed invite token'),
});

export const IsoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** What a client may see of a person. */
export const PersonView = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  handle: z.string(),
});
