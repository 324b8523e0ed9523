import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '@herald/auth';
import { defaultRetry } from '@herald/contracts';
import { ConfigError } from '@herald/runtime';
import { loadConfig } from './config.js';

const { publicKeyPem } = generateKeyPair();

describe('activity config', () => {
  it('defaults to port 3002, its own database and the production retry policy', () => {
    const config = loadConfig({ JWT_PUBLIC_KEY: publicKeyPem });

    expect(config.PORT).toBe(3002);
    expect(config.MONGO_URL).toBe('mongodb://127.0.0.1:27017/herald_activity');
    expect(config.retry).toEqual(defaultRetry);
    expect(config.JWT_PUBLIC_KEY).toBe(publicKeyPem.trim());
  });

  it('refuses to start without a public key to verify callers with', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ JWT_PUBLIC_KEY: 'not a key' })).toThrow(/JWT_PUBLIC_KEY/);
  });

  it('accepts the key on one line with \\n escapes', () => {
    const oneLine = publicKeyPem.trim().replaceAll('\n', '\\n');

    expect(loadConfig({ JWT_PUBLIC_KEY: oneLine }).JWT_PUBLIC_KEY).toBe(publicKeyPem.trim());
  });

  it('takes retry delays and attempts from RETRY_DELAYS_MS and RETRY_MAX_ATTEMPTS', () => {
    const config = loadConfig({
      JWT_PUBLIC_KEY: publicKeyPem,
      RETRY_DELAYS_MS: '100, 400',
      RETRY_MAX_ATTEMPTS: '3',
    });

    expect(config.retry).toEqual({ delaysMs: [100, 400], maxAttempts: 3 });
    expect(() => loadConfig({ JWT_PUBLIC_KEY: publicKeyPem, RETRY_DELAYS_MS: '100,soon' })).toThrow(
      /RETRY_DELAYS_MS/,
    );
  });
});
