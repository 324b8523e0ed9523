import { SignJWT, importPKCS8 } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from './keys.js';
import { callerOf, createTokenSigner, createTokenVerifier } from './tokens.js';

const claims = { userId: 'u1', handle: 'ada', name: 'Ada' };

describe('access tokens', () => {
  it('verifies what the API signed, with the public key only', async () => {
    const keys = generateKeyPair();
    const token = await (await createTokenSigner(keys.privateKeyPem)).sign(claims);
    const verifier = await createTokenVerifier(keys.publicKeyPem);
    const verified = await verifier.verify(token);
    expect(verified).toMatchObject(claims);
    // The default lifetime is 15 minutes: the expiry the stream closes at comes from the token.
    const left = verified.expiresAt.getTime() - Date.now();
    expect(left).toBeGreaterThan(14 * 60_000);
    expect(left).toBeLessThanOrEqual(15 * 60_000);
    expect(await callerOf({ authorization: `Bearer ${token}` }, verifier)).toEqual(verified);
  });

  it('refuses tampered, foreign, expired and missing tokens as unauthorized', async () => {
    const keys = generateKeyPair();
    const verifier = await createTokenVerifier(keys.publicKeyPem);
    const token = await (await createTokenSigner(keys.privateKeyPem)).sign(claims);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url')}.${signature}`;
    const foreign = await (await createTokenSigner(generateKeyPair().privateKeyPem)).sign(claims);
    const expired = await new SignJWT({ handle: 'ada', name: 'Ada' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject('u1')
      .setIssuer('herald-api')
      .setAudience('herald')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(await importPKCS8(keys.privateKeyPem, 'EdDSA'));

    await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401 });
    await expect(verifier.verify(foreign)).rejects.toMatchObject({ status: 401 });
    await expect(verifier.verify(expired)).rejects.toMatchObject({
      status: 401,
      message: 'access token expired',
    });
    await expect(callerOf({}, verifier)).rejects.toMatchObject({ status: 401 });
    await expect(callerOf({ authorization: 'Basic abc' }, verifier)).rejects.toMatchObject({
      status: 401,
    });
  });
});
