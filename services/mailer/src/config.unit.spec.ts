import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRetry } from '@herald/contracts';
import { loadConfig } from './config.js';

/** Required: the secrets unsubscribe links are signed and link tokens derived with. */
const secret = {
  UNSUBSCRIBE_SECRET: 'a-mailer-config-test-secret-0123456789',
  LINK_TOKEN_SECRET: 'a-mailer-config-test-link-secret-0123456789',
};

describe('loadConfig', () => {
  it('has working defaults: port 3004, the .eml outbox, 10 s SMTP timeouts, the default retry', () => {
    const config = loadConfig(secret);
    expect(config).toMatchObject({
      PORT: 3004,
      MAIL_FROM: 'Herald <no-reply@herald.local>',
      MAIL_OUTBOX_DIR: join(homedir(), '.herald', 'mail'),
      SMTP_CONNECTION_TIMEOUT_MS: 10_000,
      SMTP_GREETING_TIMEOUT_MS: 10_000,
      SMTP_SOCKET_TIMEOUT_MS: 10_000,
      PREFETCH: 10,
      MONGO_URL: 'mongodb://127.0.0.1:27017/herald_mailer',
      PUBLIC_URL: 'http://localhost:3000',
    });
    expect(config.MAIL_UNSUBSCRIBE_MAILTO).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.retry).toEqual(defaultRetry);
  });

  it('treats an empty SMTP_URL as unset', () => {
    expect(loadConfig({ ...secret, SMTP_URL: '' }).SMTP_URL).toBeUndefined();
  });

  it('reads a retry override for tests and slow environments', () => {
    const config = loadConfig({
      ...secret,
      RETRY_DELAYS_MS: '200, 400,800',
      RETRY_MAX_ATTEMPTS: '4',
    });
    expect(config.retry).toEqual({ delaysMs: [200, 400, 800], maxAttempts: 4 });
  });

  it('keeps a database named in MONGO_URL', () => {
    expect(loadConfig({ ...secret, MONGO_URL: 'mongodb://db:27017/mine' }).MONGO_URL).toBe(
      'mongodb://db:27017/mine',
    );
  });

  it.each([
    ['SMTP_URL', 'http://mail.example'],
    ['MAIL_FROM', 'Herald <a@b.c>\r\nBcc: x@y.z'],
    ['SMTP_SOCKET_TIMEOUT_MS', '0'],
    ['RETRY_DELAYS_MS', '200,soon'],
    ['PREFETCH', '-1'],
    ['UNSUBSCRIBE_SECRET', 'too short'],
    ['LINK_TOKEN_SECRET', 'too short'],
    ['PUBLIC_URL', 'not a url'],
    ['MAIL_UNSUBSCRIBE_MAILTO', 'not an address'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => loadConfig({ ...secret, [name]: value })).toThrow(name);
  });

  it('requires the unsubscribe secret, naming it', () => {
    expect(() => loadConfig({})).toThrow('UNSUBSCRIBE_SECRET');
  });

  it('requires the link token secret, naming it', () => {
    expect(() => loadConfig({ UNSUBSCRIBE_SECRET: secret.UNSUBSCRIBE_SECRET })).toThrow(
      'LINK_TOKEN_SECRET',
    );
  });
});
