import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '@herald/auth';
import { loadConfig } from './config.js';

const keys = generateKeyPair();
const env = {
  JWT_PRIVATE_KEY: keys.privateKeyPem,
  JWT_PUBLIC_KEY: keys.publicKeyPem,
  UNSUBSCRIBE_SECRET: 'an-api-config-test-secret-0123456789',
  LINK_TOKEN_SECRET: 'an-api-config-test-link-secret-0123456789',
};

describe('loadConfig', () => {
  it('stops with a clear message when a token key is missing', () => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY: keys.publicKeyPem })).toThrow(
      /JWT_PRIVATE_KEY is required/,
    );
    expect(() => loadConfig({ JWT_PRIVATE_KEY: keys.privateKeyPem })).toThrow(
      /JWT_PUBLIC_KEY is required/,
    );
  });

  it('refuses a value that is not a PEM key of the right kind', () => {
    expect(() => loadConfig({ ...env, JWT_PRIVATE_KEY: keys.publicKeyPem })).toThrow(
      /JWT_PRIVATE_KEY must be a PEM private key/,
    );
  });

  it('accepts keys whose newlines were written as \\n', () => {
    const oneLine = keys.privateKeyPem.replace(/\n/g, '\\n');
    expect(loadConfig({ ...env, JWT_PRIVATE_KEY: oneLine }).JWT_PRIVATE_KEY).toBe(
      keys.privateKeyPem.trim(),
    );
  });

  it('gives /auth/* a fifteenth of the global rate limit unless told otherwise', () => {
    expect(loadConfig(env)).toMatchObject({ RATE_LIMIT_MAX: 300, RATE_LIMIT_AUTH_MAX: 20 });
    expect(loadConfig({ ...env, RATE_LIMIT_MAX: '30000' }).RATE_LIMIT_AUTH_MAX).toBe(2000);
    expect(loadConfig({ ...env, RATE_LIMIT_AUTH_MAX: '7' }).RATE_LIMIT_AUTH_MAX).toBe(7);
  });

  it('gives refresh four times the /auth/* budget and an account half of it, at least 10', () => {
    expect(loadConfig(env)).toMatchObject({
      RATE_LIMIT_REFRESH_MAX: 80,
      RATE_LIMIT_LOGIN_PER_ACCOUNT_MAX: 10,
    });
    expect(loadConfig({ ...env, RATE_LIMIT_MAX: '30000' }).RATE_LIMIT_LOGIN_PER_ACCOUNT_MAX).toBe(
      1000,
    );
  });

  it('believes no proxy by default, and a hop count or addresses when told', () => {
    expect(loadConfig(env).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ ...env, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...env, TRUST_PROXY: '10.0.0.0/8, ::1' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '::1',
    ]);
    // "Every hop" would let any client name its own address.
    expect(() => loadConfig({ ...env, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY takes/);
  });

  it('keeps the public URL for accept links and the api database name', () => {
    const config = loadConfig({ ...env, PUBLIC_URL: 'https://herald.example' });
    expect(config.PUBLIC_URL).toBe('https://herald.example');
    expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017/herald_api');
  });

  it('requires an unsubscribe secret of at least 32 characters, naming it', () => {
    expect(() => loadConfig({ ...env, UNSUBSCRIBE_SECRET: undefined })).toThrow(
      /UNSUBSCRIBE_SECRET is required/,
    );
    expect(() => loadConfig({ ...env, UNSUBSCRIBE_SECRET: 'short' })).toThrow(
      /UNSUBSCRIBE_SECRET must be at least 32 characters/,
    );
  });

  it('requires a link token secret of at least 32 characters, naming it', () => {
    expect(() => loadConfig({ ...env, LINK_TOKEN_SECRET: undefined })).toThrow(
      /LINK_TOKEN_SECRET is required/,
    );
    expect(() => loadConfig({ ...env, LINK_TOKEN_SECRET: 'short' })).toThrow(
      /LINK_TOKEN_SECRET must be at least 32 characters/,
    );
  });
});
