import { z } from 'zod';

/** Identifiers are opaque strings minted by the owning service (uuid v4 in practice). */
export const Id = z.string().min(1).max(64);

/** Who did something, as a consumer needs to show it without calling back into the API. */
export const Actor = z.object({
  userId: Id,
  name: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof Actor>;

/** A person a consumer may need to reach: carries the e-mail so the mailer never reads the API's data. */
export const Recipient = z.object({
  userId: Id,
  email: z.email(),
  name: z.string().min(1).max(200),
});
export type Recipient = z.infer<typeof Recipient>;

export const Handle = z.string().regex(/^[a-z0-9_.-]{2,32}$/);

export const IsoTime = z.iso.datetime({ offset: true });
