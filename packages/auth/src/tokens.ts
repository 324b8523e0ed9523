import { SignJWT, errors, importPKCS8, importSPKI, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '@herald/errors';

/** Ed25519: small keys, fast verification, and verifiers hold only the public half. */
const algorithm = 'EdDSA';
const issuer = 'herald-api';
const audience = 'herald';

/** Who is calling, as every service sees it. */
export const AccessClaims = z.object({
  userId: z.string().min(1),
  handle: z.string(),
  name: z.string(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;

export interface TokenSigner {
  sign(claims: AccessClaims): Promise<string>;
}

/** A verified caller, and when the token that proved it stops being valid. */
export interface VerifiedAccess extends AccessClaims {
  readonly expiresAt: Date;
}

export interface TokenVerifier {
  /** Throws AppError('unauthorized') for a missing, expired, tampered or foreign token. */
  verify(token: string): Promise<VerifiedAccess>;
}

export async function createTokenSigner(
  privateKeyPem: string,
  ttlSeconds = 15 * 60,
): Promise<TokenSigner> {
  const key = await importPKCS8(privateKeyPem, algorithm);
  return {
    sign: ({ userId, handle, name }) =>
      new SignJWT({ handle, name })
        .setProtectedHeader({ alg: algorithm })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
  };
}

export async function createTokenVerifier(publicKeyPem: string): Promise<TokenVerifier> {
  const key = await importSPKI(publicKeyPem, algorithm);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer,
          audience,
          algorithms: [algorithm],
          requiredClaims: ['exp'],
        });
        const claims = AccessClaims.parse({
          userId: payload.sub,
          handle: payload.handle,
          name: payload.name,
        });
        // requiredClaims refused a token without one already; this narrows the type.
        if (payload.exp === undefined) throw new TypeError('no exp');
        return { ...claims, expiresAt: new Date(payload.exp * 1_000) };
      } catch (error) {
        if (error instanceof errors.JWTExpired)
          throw new AppError('unauthorized', 'access token expired');
        throw new AppError('unauthorized', 'invalid access token');
      }
    },
  };
}

/** The caller of an HTTP request, from `Authorization: Bearer <token>`. */
export async function callerOf(
  headers: { readonly authorization?: string | undefined },
  verifier: TokenVerifier,
): Promise<VerifiedAccess> {
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(headers.authorization ?? '');
  if (!match?.[1]) throw new AppError('unauthorized', 'missing bearer token');
  return verifier.verify(match[1]);
}
