import { describe, expect, it } from 'vitest';
import { ConfigError } from '@herald/runtime';
import { loadConfig } from './config.js';

const token = 'x'.repeat(32);

describe('console config', () => {
  it('refuses to start without an operator token of at least 32 characters', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/CONSOLE_TOKEN/);
    expect(() => loadConfig({ CONSOLE_TOKEN: 'short' })).toThrow(/at least 32 characters/);
  });

  it('uses documented defaults: port 3005, the local services, the default vhost', () => {
    const config = loadConfig({ CONSOLE_TOKEN: token });
    expect(config).toMatchObject({
      PORT: 3005,
      vhost: '/',
      REPLAY_RATE: 20,
      cookieSecure: false,
      sessionTtlMs: 12 * 3_600_000,
    });
    expect(config.JAEGER_UI_URL).toBeUndefined();
    expect(config.SERVICE_URLS.map((s) => s.service)).toEqual([
      'api',
      'notifier',
      'activity',
      'scheduler',
      'mailer',
    ]);
  });

  it('reads the vhost from the AMQP URL and one entry per replica from SERVICE_URLS', () => {
    const config = loadConfig({
      CONSOLE_TOKEN: token,
      RABBITMQ_URL: 'amqp://console:pw@rabbitmq:5672/herald',
      SERVICE_URLS: 'scheduler=http://a:3003/, scheduler=http://b:3003',
      JAEGER_UI_URL: '',
    });
    expect(config.vhost).toBe('herald');
    expect(config.SERVICE_URLS).toEqual([
      { service: 'scheduler', url: 'http://a:3003' },
      { service: 'scheduler', url: 'http://b:3003' },
    ]);
    expect(config.JAEGER_UI_URL).toBeUndefined();
  });

  it.each([
    ['SERVICE_URLS', 'api'],
    ['SERVICE_URLS', 'api=not a url'],
    ['REPLAY_RATE', '0'],
    ['LIVE_INTERVAL_MS', '10'],
    ['COOKIE_SECURE', 'yes'],
    ['JAEGER_UI_URL', 'jaeger'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    expect(() => loadConfig({ CONSOLE_TOKEN: token, [name]: value })).toThrow(new RegExp(name));
  });
});
