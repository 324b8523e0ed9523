import { describe, expect, it } from 'vitest';
import { acceptUrl } from './invite.js';

describe('acceptUrl', () => {
  it('puts the token under the public URL, keeping any path it has', () => {
    expect(acceptUrl('https://herald.example', 'tok')).toBe(
      'https://herald.example/invites/tok/accept',
    );
    expect(acceptUrl('https://herald.example/app/', 'tok')).toBe(
      'https://herald.example/app/invites/tok/accept',
    );
    expect(acceptUrl('https://herald.example/app', 'tok')).toBe(
      'https://herald.example/app/invites/tok/accept',
    );
  });
});
