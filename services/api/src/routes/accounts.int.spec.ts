import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkToken } from '@herald/auth';
import { createHarness, inviteToken, linkTokenSecret, type Harness } from '../../test/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const register = (email: string, handle: string, password = 'correct horse') =>
  h.call('POST', '/auth/register', undefined, {
    email,
    password,
    name: `Person ${handle}`,
    handle,
  });
const login = (email: string, password: string) =>
  h.call('POST', '/auth/login', undefined, { email, password });
const verify = (token: string) => h.call('POST', '/auth/verify-email', undefined, { token });
const requestReset = (email: string) =>
  h.call('POST', '/auth/password-reset', undefined, { email });
const confirmReset = (token: string, password: string) =>
  h.call('POST', '/auth/password-reset/confirm', undefined, { token, password });

const hourMs = 60 * 60 * 1000;
/** Runs `act` with the domain's clock `ms` from now, then gives the real clock back. */
async function later<T>(ms: number, act: () => Promise<T>): Promise<T> {
  h.setClock(new Date(Date.now() + ms));
  try {
    return await act();
  } finally {
    h.setClock(undefined);
  }
}

describe('registration', () => {
  it('answers a new and a registered address alike (202, same body) and e-mails the owner of the taken one', async () => {
    const ada = await h.account('ada');
    const fresh = await register('newcomer@example.test', 'newcomer');
    const taken = await register(ada.email.toUpperCase(), 'impostor', 'another password');

    expect(fresh).toEqual({ status: 202, body: { status: 'verification-sent' } });
    expect(taken).toEqual(fresh);
    expect(await h.events('user.registration-attempted')).toEqual([
      {
        user: { userId: ada.id, email: ada.email, name: ada.name },
        attemptId: expect.any(String) as string,
      },
    ]);
    // The impostor got no account: the owner's password still works, theirs does not.
    expect((await login(ada.email, 'another password')).status).toBe(401);
    expect((await login(ada.email, ada.password)).status).toBe(200);
    expect((await h.events('user.registered')).map((e) => e.handle)).toEqual(['ada', 'newcomer']);
  });

  it('still answers 409 for a taken handle (handles are public)', async () => {
    await h.account('ada');
    const response = await register('other@example.test', 'ada');
    expect(response.status).toBe(409);
    expect(response.body.message).toMatch(/handle/);
  });

  it('asks the mailer for a verification link by token id, never carrying a token', async () => {
    await register('newcomer@example.test', 'newcomer');
    const [registered] = await h.events('user.registered');
    const requested = await h.events('user.email-verification-requested');
    expect(requested).toEqual([
      {
        user: {
          userId: registered?.userId,
          email: 'newcomer@example.test',
          name: 'Person newcomer',
        },
        tokenId: expect.any(String) as string,
        expiresAt: expect.any(String) as string,
      },
    ]);
    const expiresIn = Date.parse(requested[0]?.expiresAt ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(23 * hourMs);
    expect(expiresIn).toBeLessThanOrEqual(24 * hourMs);
    // Stored: the token's hash only, never the token the link carries.
    const token = linkToken(linkTokenSecret, 'verify-email', requested[0]?.tokenId ?? '');
    expect(JSON.stringify(await h.outbox())).not.toContain(token);
    const docs = await h.db.collection('link_tokens').find({}).toArray();
    expect(docs).toHaveLength(1);
    expect(JSON.stringify(docs)).not.toContain(token);
  });
});

describe('POST /auth/verify-email', () => {
  it('verifies once (204), then answers the same token 410', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    const token = await h.linkTokenFor('verify-email', bob.id);
    expect((await verify(token)).status).toBe(204);
    expect((await h.stored('users', bob.id))?.emailVerifiedAt).toBeInstanceOf(Date);
    const again = await verify(token);
    expect(again.status).toBe(410);
    expect(again.body.error).toBe('HERALD_GONE');
  });

  it('lets exactly one of several concurrent uses of a token through', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    const token = await h.linkTokenFor('verify-email', bob.id);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => verify(token)));
    expect(statuses.map((r) => r.status).sort()).toEqual([204, 410, 410, 410, 410]);
  });

  it('refuses an expired token (410) and an unknown (404) or malformed (400) one', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    const token = await h.linkTokenFor('verify-email', bob.id);
    const expired = await later(24 * hourMs + 1_000, () => verify(token));
    expect(expired.status).toBe(410);
    expect(expired.body.message).toMatch(/expired/);

    expect((await verify(linkToken(linkTokenSecret, 'verify-email', 'no-such-id'))).status).toBe(
      404,
    );
    expect((await verify('not-a-token')).status).toBe(400);
    expect((await h.stored('users', bob.id))?.emailVerifiedAt).toBeUndefined();
  });

  it('refuses a reset token (404): a token works for its own purpose only', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    await requestReset(bob.email);
    expect((await verify(await h.linkTokenFor('reset-password', bob.id))).status).toBe(404);
  });
});

describe('invites need a verified address', () => {
  it('refuses an unverified invitee (403 HERALD_EMAIL_UNVERIFIED), then lets them in once verified', async () => {
    const ada = await h.account('ada');
    const squatter = await h.account('newhire', 'New Hire', { verified: false });
    const ws = (await h.call('POST', '/workspaces', ada.accessToken, { name: 'Corp' })).body;
    const token = await inviteToken(h, ws.id ?? '', ada, squatter.email);

    const refused = await h.call('POST', `/invites/${token}/accept`, squatter.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('HERALD_EMAIL_UNVERIFIED');
    expect(await h.events('workspace.member-joined')).toEqual([]);

    await h.verify(squatter);
    const accepted = await h.call('POST', `/invites/${token}/accept`, squatter.accessToken);
    expect(accepted.status).toBe(200);
  });

  it('names only a verified account in workspace.member-invited (the notifier reaches it in-app)', async () => {
    const ada = await h.account('ada');
    const verified = await h.account('bob');
    const unverified = await h.account('carol', 'Carol', { verified: false });
    const ws = (await h.call('POST', '/workspaces', ada.accessToken, { name: 'Corp' })).body;
    await inviteToken(h, ws.id ?? '', ada, verified.email);
    await inviteToken(h, ws.id ?? '', ada, unverified.email);

    const invited = await h.events('workspace.member-invited');
    expect(invited.map((e) => [e.email, e.existingUserId])).toEqual([
      [verified.email, verified.id],
      [unverified.email, undefined],
    ]);
  });
});

describe('password reset', () => {
  it('answers 202 for a registered and an unknown address alike, mailing only the registered one', async () => {
    const ada = await h.account('ada');
    const known = await requestReset(ada.email.toUpperCase());
    const unknown = await requestReset('nobody@example.test');
    expect(known).toEqual({ status: 202, body: { status: 'reset-requested' } });
    expect(unknown).toEqual(known);
    const requested = await h.events('user.password-reset-requested');
    expect(requested.map((e) => e.user.userId)).toEqual([ada.id]);
    const expiresIn = Date.parse(requested[0]?.expiresAt ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(0.9 * hourMs);
    expect(expiresIn).toBeLessThanOrEqual(hourMs);
  });

  it('changes the password (204): the old one is refused, the new one works, every session is revoked, the owner is told', async () => {
    const ada = await h.account('ada');
    const other = await login(ada.email, ada.password);
    await requestReset(ada.email);
    const token = await h.linkTokenFor('reset-password', ada.id);

    expect((await confirmReset(token, 'a brand new password')).status).toBe(204);

    expect((await login(ada.email, ada.password)).status).toBe(401);
    expect((await login(ada.email, 'a brand new password')).status).toBe(200);
    for (const refreshToken of [ada.refreshToken, other.body.refreshToken as string]) {
      const refreshed = await h.call('POST', '/auth/refresh', undefined, { refreshToken });
      expect(refreshed.status).toBe(401);
    }
    expect(await h.events('user.password-changed')).toEqual([
      { user: { userId: ada.id, email: ada.email, name: ada.name } },
    ]);
  });

  it('works once: a second confirm with the same token is 410 and changes nothing', async () => {
    const ada = await h.account('ada');
    await requestReset(ada.email);
    const token = await h.linkTokenFor('reset-password', ada.id);
    expect((await confirmReset(token, 'first new password')).status).toBe(204);
    const again = await confirmReset(token, 'second new password');
    expect(again.status).toBe(410);
    expect((await login(ada.email, 'second new password')).status).toBe(401);
    expect((await login(ada.email, 'first new password')).status).toBe(200);
  });

  it('refuses a token more than an hour old (410), keeping the old password', async () => {
    const ada = await h.account('ada');
    await requestReset(ada.email);
    const token = await h.linkTokenFor('reset-password', ada.id);
    const late = await later(hourMs + 1_000, () => confirmReset(token, 'too late password'));
    expect(late.status).toBe(410);
    expect((await login(ada.email, ada.password)).status).toBe(200);
  });

  it('refuses an unknown token (404), a verification token (404) and a short password (400)', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    expect(
      (await confirmReset(linkToken(linkTokenSecret, 'reset-password', 'nope'), 'long enough'))
        .status,
    ).toBe(404);
    const verifyToken = await h.linkTokenFor('verify-email', bob.id);
    expect((await confirmReset(verifyToken, 'long enough')).status).toBe(404);
    await requestReset(bob.email);
    const token = await h.linkTokenFor('reset-password', bob.id);
    expect((await confirmReset(token, 'short')).status).toBe(400);
    // A refused request did not spend the token.
    expect((await confirmReset(token, 'long enough')).status).toBe(204);
  });

  it('verifies the address too: the reset link reached it', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    await requestReset(bob.email);
    await confirmReset(await h.linkTokenFor('reset-password', bob.id), 'long enough');
    expect((await h.stored('users', bob.id))?.emailVerifiedAt).toBeInstanceOf(Date);
  });
});

describe('the pages e-mailed links open', () => {
  it('shows a verify form on GET without spending the token, and verifies on its POST', async () => {
    const bob = await h.account('bob', 'Bob', { verified: false });
    const token = await h.linkTokenFor('verify-email', bob.id);
    const shown = await h.app.inject({ method: 'GET', url: `/verify-email/${token}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toMatch(/^text\/html/);
    expect(shown.headers['content-security-policy']).toContain("default-src 'none'");
    expect(shown.body).toContain('<form method="post">');
    expect(shown.body).not.toContain('<script');
    expect((await h.stored('users', bob.id))?.emailVerifiedAt).toBeUndefined();

    const posted = await h.app.inject({
      method: 'POST',
      url: `/verify-email/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'confirm=yes',
    });
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('verified');
    expect((await h.stored('users', bob.id))?.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await verify(token)).status).toBe(410);
  });

  it('shows a password form on GET and changes the password on its POST', async () => {
    const ada = await h.account('ada');
    await requestReset(ada.email);
    const token = await h.linkTokenFor('reset-password', ada.id);
    const shown = await h.app.inject({ method: 'GET', url: `/reset-password/${token}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('type="password" name="password"');

    const posted = await h.app.inject({
      method: 'POST',
      url: `/reset-password/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ password: 'changed on the page' }).toString(),
    });
    expect(posted.statusCode).toBe(200);
    expect((await login(ada.email, 'changed on the page')).status).toBe(200);
  });
});
