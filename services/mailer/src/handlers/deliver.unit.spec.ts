import { describe, expect, it } from 'vitest';
import { verifyUnsubscribeToken } from '@herald/auth';
import { Deferred, PermanentFailure } from '@herald/bus';
import type { PreferenceKind } from '@herald/contracts';
import { fakePorts as setup, unsubscribeSecret as secret } from '../../test/fake-ports.js';
import type { MailRequest } from '../domain/mail.js';
import { messageIdFor } from '../domain/message-id.js';
import { SendThrottled } from '../domain/send-gate.js';
import { deliver } from './deliver.js';

const event = { id: '6c1f6f0e-1d0a-4b57-8a0f-3b8f1e6f2a11', type: 'comment.created' } as const;
const content = { subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };
const to = (email: string, name?: string): MailRequest => ({
  to: name === undefined ? { email } : { email, name },
  content,
});

const subscribed = (email: string, userId: string, kind: PreferenceKind): MailRequest => ({
  ...to(email),
  subscription: { userId, kind },
});

describe('deliver', () => {
  it('sends one e-mail per recipient with a deterministic Message-ID and records each', async () => {
    const { transport, sentLog, ports } = setup();
    await deliver(event, [to('bob@example.test', 'Bob'), to('carol@example.test')], ports);

    expect(transport.sent.map((m) => m.to)).toEqual([
      { email: 'bob@example.test', name: 'Bob' },
      { email: 'carol@example.test' },
    ]);
    expect(transport.sent[0]).toMatchObject({
      from: 'Herald <no-reply@herald.local>',
      ...content,
      messageId: messageIdFor(event.id, 'bob@example.test'),
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Herald-Event-Id': event.id,
        'X-Herald-Event-Type': 'comment.created',
      },
    });
    expect([...sentLog.records.keys()]).toEqual([
      `${event.id}:bob@example.test`,
      `${event.id}:carol@example.test`,
    ]);
    expect(sentLog.records.get(`${event.id}:bob@example.test`)).toMatchObject({
      eventId: event.id,
      eventType: 'comment.created',
      recipient: 'bob@example.test',
      messageId: messageIdFor(event.id, 'bob@example.test'),
      sentAt: new Date('2025-03-02T10:00:00Z'),
    });
  });

  it('sends nothing the second time the same event is delivered', async () => {
    const { transport, ports } = setup();
    const requests = [to('bob@example.test'), to('carol@example.test')];
    await deliver(event, requests, ports);
    await deliver(event, requests, ports);
    expect(transport.sent).toHaveLength(2);
  });

  it('mails an address listed twice (in any case) once', async () => {
    const { transport, ports } = setup();
    await deliver(event, [to('bob@example.test'), to('BOB@example.test')], ports);
    expect(transport.sent).toHaveLength(1);
  });

  it('stops at a transient failure, and the retry mails only the recipients still missing', async () => {
    const { transport, ports } = setup();
    const requests = ['a', 'b', 'c'].map((n) => to(`${n}@example.test`));
    transport.fail = (email) =>
      email === 'b@example.test' ? new Error('451 try again later') : undefined;

    await expect(deliver(event, requests, ports)).rejects.toThrow('451 try again later');
    expect(transport.attempts).toEqual(['a@example.test', 'b@example.test']); // c not tried

    transport.fail = () => undefined;
    await deliver(event, requests, ports);
    expect(transport.sent.map((m) => m.to.email)).toEqual([
      'a@example.test',
      'b@example.test',
      'c@example.test',
    ]);
  });

  it('keeps sending past a permanently refused address, then fails permanently naming it', async () => {
    const { transport, sentLog, ports } = setup();
    const requests = ['a', 'b', 'c'].map((n) => to(`${n}@example.test`));
    transport.fail = (email) =>
      email === 'b@example.test' ? new PermanentFailure('SMTP 550: no such mailbox') : undefined;

    const failure = deliver(event, requests, ports);
    await expect(failure).rejects.toBeInstanceOf(PermanentFailure);
    await expect(failure).rejects.toThrow(
      '1 of 3 recipient(s) refused: b@example.test: SMTP 550: no such mailbox',
    );
    expect(transport.sent.map((m) => m.to.email)).toEqual(['a@example.test', 'c@example.test']);
    expect(sentLog.records.has(`${event.id}:b@example.test`)).toBe(false);
  });

  it('puts the recipient name on one line in the To header', async () => {
    const { transport, ports } = setup();
    await deliver(event, [to('bob@example.test', 'Bob\r\nBcc: eve@example.test')], ports);
    expect(transport.sent[0]?.to.name).toBe('Bob Bcc: eve@example.test');
  });

  it('skips a non-transactional e-mail whose kind its user turned off, logs it, sends the others', async () => {
    const { transport, sentLog, ports, turnOff, logged } = setup();
    turnOff('u-bob', 'mentioned');
    await deliver(
      event,
      [
        subscribed('bob@example.test', 'u-bob', 'mentioned'),
        subscribed('carol@example.test', 'u-carol', 'mentioned'),
      ],
      ports,
    );
    expect(transport.sent.map((m) => m.to.email)).toEqual(['carol@example.test']);
    expect(logged).toEqual([
      { eventId: event.id, eventType: event.type, userId: 'u-bob', kind: 'mentioned' },
    ]);
    expect([...sentLog.records.values()].map((r) => r.recipient)).toEqual(['carol@example.test']);
  });

  it('only the kind turned off is skipped: another kind still goes to the same user', async () => {
    const { transport, ports, turnOff } = setup();
    turnOff('u-bob', 'digest');
    await deliver(event, [subscribed('bob@example.test', 'u-bob', 'assigned')], ports);
    expect(transport.sent).toHaveLength(1);
  });

  it('puts one-click unsubscribe headers, with a token for that user and kind, on non-transactional mail', async () => {
    const { transport, ports } = setup();
    await deliver(event, [subscribed('bob@example.test', 'u-bob', 'overdue')], ports);
    const headers = transport.sent[0]?.headers ?? {};
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<https:\/\/herald\.example\/app\/unsubscribe\/([\w-]+\.[\w-]+)>$/.exec(
      headers['List-Unsubscribe'] ?? '',
    );
    expect(link).not.toBeNull();
    expect(verifyUnsubscribeToken(secret, link?.[1] ?? '')).toEqual({
      ok: true,
      userId: 'u-bob',
      kind: 'overdue',
    });
  });

  it('adds the configured mailto: after the link', async () => {
    const { transport, ports } = setup({ mailto: 'unsubscribe@herald.example' });
    await deliver(event, [subscribed('bob@example.test', 'u-bob', 'digest')], ports);
    expect(transport.sent[0]?.headers['List-Unsubscribe']).toMatch(
      /^<https:\/\/[^>]+>, <mailto:unsubscribe@herald\.example\?subject=unsubscribe>$/,
    );
  });

  it('sends transactional mail (no subscription) always, without unsubscribe headers', async () => {
    const { transport, ports } = setup();
    await deliver(event, [to('bob@example.test')], ports);
    expect(Object.keys(transport.sent[0]?.headers ?? {})).toEqual([
      'Auto-Submitted',
      'X-Herald-Event-Id',
      'X-Herald-Event-Type',
    ]);
  });

  it("asks the gate before each send with the mail's priority, and says when one went through", async () => {
    const { ports, gate } = setup();
    await deliver(
      event,
      [
        to('new@example.test'),
        subscribed('bob@example.test', 'u-bob', 'mentioned'),
        subscribed('cy@example.test', 'u-cy', 'digest'),
      ],
      ports,
    );
    expect(gate.events).toEqual([
      'acquire critical',
      'sent',
      'acquire bulk',
      'sent',
      'acquire digest',
      'sent',
    ]);
  });

  it('defers the event on a throttling reply, for the pause the gate set, without recording it', async () => {
    const { transport, sentLog, ports, gate } = setup();
    transport.fail = (email) =>
      email === 'cy@example.test' ? new SendThrottled('SMTP 454: slow down') : undefined;
    const failure = await deliver(
      event,
      [to('bob@example.test'), to('cy@example.test'), to('dan@example.test')],
      ports,
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Deferred);
    expect((failure as Deferred).delayMs).toBe(2_000);
    expect(gate.events.at(-1)).toBe('throttled');
    // Bob stays recorded; Cy and Dan wait for the redelivery.
    expect([...sentLog.records.values()].map((r) => r.recipient)).toEqual(['bob@example.test']);
    expect(transport.attempts).toEqual(['bob@example.test', 'cy@example.test']);
  });
});
