import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRetry } from '@herald/contracts';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults: port 3004, the .eml outbox, 10 s SMTP timeouts, the default retry', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3004,
      MAIL_FROM: 'Herald <no-reply@herald.local>',
      MAIL_OUTBOX_DIR: join(homedir(), '.herald', 'mail'),
      SMTP_CONNECTION_TIMEOUT_MS: 10_000,
      SMTP_GREETING_TIMEOUT_MS: 10_000,
      SMTP_SOCKET_TIMEOUT_MS: 10_000,
      PREFETCH: 10,
      MONGO_URL: 'mongodb://127.0.0.1:27017/herald_mailer',
    });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.retry).toEqual(defaultRetry);
  });

  it('treats an empty SMTP_URL as unset', () => {
    expect(loadConfig({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
  });

  it('reads a retry override for tests and slow environments', () => {
    const config = loadConfig({ RETRY_DELAYS_MS: '200, 400,800', RETRY_MAX_ATTEMPTS: '4' });
    expect(config.retry).toEqual({ delaysMs: [200, 400, 800], maxAttempts: 4 });
  });

  it('keeps a database named in MONGO_URL', () => {
    expect(loadConfig({ MONGO_URL: 'mongodb://db:27017/mine' }).MONGO_URL).toBe(
      'mongodb://db:27017/mine',
    );
  });

  it.each([
    ['SMTP_URL', 'http://mail.example'],
    ['MAIL_FROM', 'Herald <a@b.c>\r\nBcc: x@y.z'],
    ['SMTP_SOCKET_TIMEOUT_MS', '0'],
    ['RETRY_DELAYS_MS', '200,soon'],
    ['PREFETCH', '-1'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
