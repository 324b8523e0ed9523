import { describe, expect, it } from 'vitest';
import { defaultRetry } from '@herald/contracts';
import { ConfigError } from '@herald/runtime';
import { generateKeyPair } from '@herald/auth';
import { loadConfig } from './config.js';

const { publicKeyPem } = generateKeyPair();

describe('notifier config', () => {
  it('refuses to start without the token public key', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/JWT_PUBLIC_KEY/);
    expect(() => loadConfig({ JWT_PUBLIC_KEY: 'not a key' })).toThrow(/PEM public key/);
  });

  it('uses documented defaults and the production retry policy', () => {
    const config = loadConfig({ JWT_PUBLIC_KEY: publicKeyPem });

    expect(config).toMatchObject({
      PORT: 3001,
      PREFETCH: 50,
      STREAM_REPLAY_LIMIT: 100,
      PRESENCE_HEARTBEAT_MS: 10_000,
      PRESENCE_EXPIRY_MS: 30_000,
      MONGO_URL: 'mongodb://127.0.0.1:27017/herald_notifier',
      JWT_PUBLIC_KEY: publicKeyPem.trim(),
    });
    expect(config.retry).toEqual(defaultRetry);
  });

  it('accepts a key written on one line with \\n escapes', () => {
    const oneLine = publicKeyPem.trim().replaceAll('\n', '\\n');

    expect(loadConfig({ JWT_PUBLIC_KEY: oneLine }).JWT_PUBLIC_KEY).toBe(publicKeyPem.trim());
  });

  it('takes the retry policy from RETRY_DELAYS_MS and RETRY_MAX_ATTEMPTS', () => {
    const config = loadConfig({
      JWT_PUBLIC_KEY: publicKeyPem,
      RETRY_DELAYS_MS: '100, 250,1000',
      RETRY_MAX_ATTEMPTS: '3',
    });

    expect(config.retry).toEqual({ delaysMs: [100, 250, 1000], maxAttempts: 3 });
  });

  it('overrides each retry setting on its own and treats empty values as unset', () => {
    const base = { JWT_PUBLIC_KEY: publicKeyPem };

    expect(loadConfig({ ...base, RETRY_DELAYS_MS: '50' }).retry).toEqual({
      delaysMs: [50],
      maxAttempts: defaultRetry.maxAttempts,
    });
    expect(loadConfig({ ...base, RETRY_MAX_ATTEMPTS: '1' }).retry).toEqual({
      delaysMs: defaultRetry.delaysMs,
      maxAttempts: 1,
    });
    expect(loadConfig({ ...base, RETRY_DELAYS_MS: '', RETRY_MAX_ATTEMPTS: '' }).retry).toEqual(
      defaultRetry,
    );
  });

  it.each([
    ['RETRY_DELAYS_MS', 'soon'],
    ['RETRY_DELAYS_MS', '100,,200'],
    ['RETRY_DELAYS_MS', '0'],
    ['RETRY_DELAYS_MS', '-5'],
    ['RETRY_MAX_ATTEMPTS', '0'],
    ['RETRY_MAX_ATTEMPTS', 'many'],
    ['PREFETCH', '0'],
    ['STREAM_REPLAY_LIMIT', '0'],
    ['PRESENCE_EXPIRY_MS', '61000'],
    ['PRESENCE_EXPIRY_MS', '5000'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    expect(() => loadConfig({ JWT_PUBLIC_KEY: publicKeyPem, [name]: value })).toThrow(
      new RegExp(name),
    );
  });
});
