import { generateKeyPairSync } from 'node:crypto';

/** A fresh Ed25519 key pair in PEM (PKCS#8 private, SPKI public): for dev start-up and tests. */
export function generateKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { format: 'pem', type: 'pkcs8' },
    publicKeyEncoding: { format: 'pem', type: 'spki' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
