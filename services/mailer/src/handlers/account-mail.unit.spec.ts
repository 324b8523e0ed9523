import { describe, expect, it } from 'vitest';
import { linkToken } from '@herald/auth';
import { createEvent, type EventData, type EventType } from '@herald/contracts';
import { fakePorts, linkTokenSecret } from '../../test/fake-ports.js';
import type { MailerPorts } from '../domain/ports.js';
import { onEmailVerificationRequested } from './email-verification-requested.js';
import { onPasswordChanged } from './password-changed.js';
import { onPasswordResetRequested } from './password-reset-requested.js';
import { onRegistrationAttempted } from './registration-attempted.js';

const user = { userId: 'u-1', email: 'ada@example.test', name: 'Ada' };
const tokenId = '0d6f5f7e-7d8c-4c1e-9b1a-3f2e1d0c9b8a';
const expiresAt = '2025-03-03T10:00:00.000Z';

const event = <T extends EventType>(type: T, data: EventData<T>) => createEvent(type, data, 'api');

/** Every kind of e-mail turned off: account mail must go out all the same. */
function everythingOff() {
  const setup = fakePorts();
  for (const kind of ['mentioned', 'assigned', 'overdue', 'digest'] as const) {
    setup.turnOff(user.userId, kind);
  }
  return setup;
}

describe('account e-mails', () => {
  const linkHandlers = {
    'verify-email': (ports: MailerPorts) =>
      onEmailVerificationRequested(
        event('user.email-verification-requested', { user, tokenId, expiresAt }),
        ports,
      ),
    'reset-password': (ports: MailerPorts) =>
      onPasswordResetRequested(
        event('user.password-reset-requested', { user, tokenId, expiresAt }),
        ports,
      ),
  };

  it.each(['verify-email', 'reset-password'] as const)(
    'the %s e-mail links to its page with the token derived from the token id, not the id',
    async (purpose) => {
      const { transport, ports } = everythingOff();
      await linkHandlers[purpose](ports);

      expect(transport.sent).toHaveLength(1);
      const [mail] = transport.sent;
      const link = `https://herald.example/app/${purpose}/${linkToken(linkTokenSecret, purpose, tokenId)}`;
      expect(mail?.to).toEqual({ email: user.email, name: user.name });
      expect(mail?.text).toContain(link);
      expect(mail?.text).not.toContain(tokenId);
      expect(mail?.headers).not.toHaveProperty('List-Unsubscribe');
    },
  );

  it('tells the owner of a registered address of the attempt, whatever their preferences', async () => {
    const { transport, ports } = everythingOff();
    await onRegistrationAttempted(
      event('user.registration-attempted', { user, attemptId: 'a-1' }),
      ports,
    );
    expect(transport.sent.map((m) => m.to.email)).toEqual([user.email]);
    expect(transport.sent[0]?.subject).toMatch(/tried to register/);
    expect(transport.sent[0]?.headers).not.toHaveProperty('List-Unsubscribe');
  });

  it('tells the owner their password changed, whatever their preferences', async () => {
    const { transport, ports } = everythingOff();
    await onPasswordChanged(event('user.password-changed', { user }), ports);
    expect(transport.sent.map((m) => m.to.email)).toEqual([user.email]);
    expect(transport.sent[0]?.subject).toBe('Your Herald password was changed');
    expect(transport.sent[0]?.headers).not.toHaveProperty('List-Unsubscribe');
  });

  it('mails a redelivered verification request once (the sent-log)', async () => {
    const { transport, ports } = fakePorts();
    const requested = event('user.email-verification-requested', { user, tokenId, expiresAt });
    await onEmailVerificationRequested(requested, ports);
    await onEmailVerificationRequested(requested, ports);
    expect(transport.sent).toHaveLength(1);
  });
});
