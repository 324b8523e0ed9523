import { z } from 'zod';

/** Ids the API mints are uuids; anything else is a malformed request, not an unknown id. */
export const IdParams = z.strictObject({ id: z.uuid() });

/** Invite tokens are 32 random bytes in base64url. */
export const InviteTokenParams = z.strictObject({
  token: z.string().regex(/^[\w-]{43}$/, 'malformed invite token'),
});

/** A password a person sets: at registration and at a reset. */
export const NewPassword = z.string().min(8).max(200);

export const IsoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** What a client may see of a person. */
export const PersonView = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  handle: z.string(),
});

// Control characters (CR and LF among them) in a name or title would reach mail headers and
// subjects; a lone surrogate would be stored as U+FFFD, not as sent. Neither is text a person typed.
const notOneLine = /[\p{Cc}\p{Cs}]/u;
const notText = /(?![\t\n\r])[\p{Cc}\p{Cs}]/u;
// Bidi embeddings, overrides and isolates reorder what a reader sees ("gpj.exe" shown as "exe.jpg"):
// in a workspace name e-mailed to an invitee, a phishing tool on Herald's own domain.
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/u;

/** A name or title: one line, trimmed, not empty. */
export const OneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !notOneLine.test(value), 'must be one line, without control characters')
    .refine(
      (value) => !bidiControl.test(value),
      'must not contain bidirectional override or isolate characters',
    );

/** Text of several lines (a comment, a description): tabs and line breaks, no other controls. */
export const Text = (text: z.ZodString) =>
  text.refine(
    (value) => !notText.test(value),
    'must not contain control characters other than tab and line breaks',
  );
