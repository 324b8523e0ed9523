import { describe, expect, it } from 'vitest';
import { redactInviteToken } from './redact.js';

describe('redactInviteToken', () => {
  it('hides the token of an accept URL and leaves other URLs alone', () => {
    expect(redactInviteToken('/invites/abcDEF_-123/accept')).toBe('/invites/[redacted]/accept');
    expect(redactInviteToken('/invites/abc/accept?x=1')).toBe('/invites/[redacted]/accept?x=1');
    expect(redactInviteToken('/workspaces/w1/invites')).toBe('/workspaces/w1/invites');
  });
});
