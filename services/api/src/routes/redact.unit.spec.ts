import { describe, expect, it } from 'vitest';
import { redactPathTokens } from './redact.js';

describe('redactPathTokens', () => {
  it('hides the token of an accept URL and leaves other URLs alone', () => {
    expect(redactPathTokens('/invites/abcDEF_-123/accept')).toBe('/invites/[redacted]/accept');
    expect(redactPathTokens('/invites/abc/accept?x=1')).toBe('/invites/[redacted]/accept?x=1');
    expect(redactPathTokens('/workspaces/w1/invites')).toBe('/workspaces/w1/invites');
  });

  it('hides the token of an unsubscribe URL', () => {
    expect(redactPathTokens('/unsubscribe/eyJ1Ijo.abc_-9')).toBe('/unsubscribe/[redacted]');
    expect(redactPathTokens('/unsubscribe/eyJ1Ijo.abc?x=1')).toBe('/unsubscribe/[redacted]?x=1');
  });

  it('hides the token of a verification or reset page, not the JSON routes', () => {
    const token = 'A'.repeat(43);
    expect(redactPathTokens(`/verify-email/${token}`)).toBe('/verify-email/[redacted]');
    expect(redactPathTokens(`/app/reset-password/${token}?x=1`)).toBe(
      '/app/reset-password/[redacted]?x=1',
    );
    expect(redactPathTokens('/auth/verify-email')).toBe('/auth/verify-email');
    expect(redactPathTokens('/auth/password-reset/confirm')).toBe('/auth/password-reset/confirm');
  });
});
