import { z } from 'zod';

/**
 * An env variable holding a PEM key. A `\n` escape stands for a line break, because secret stores
 * and `.env` files often cannot hold a multi-line value.
 */
export function pemKeyEnv(name: string, label: 'PRIVATE KEY' | 'PUBLIC KEY') {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${name} is required: the Ed25519 ${label.toLowerCase()} in PEM (-----BEGIN ${label}-----)`
          : `${name} must be a string`,
    })
    .transform((value) => value.replace(/\\n/g, '\n').trim())
    .refine(
      (value) =>
        new RegExp(`^-----BEGIN ${label}-----\\r?\\n[\\s\\S]+\\n-----END ${label}-----$`).test(
          value,
        ),
      {
        message: `${name} must be a PEM ${label.toLowerCase()} (-----BEGIN ${label}----- ... -----END ${label}-----)`,
      },
    );
}
