import { describe, expect, it } from 'vitest';
import { PermanentFailure } from '@herald/bus';
import type { MailRequest, OutgoingMail, SentMail } from '../domain/mail.js';
import { messageIdFor } from '../domain/message-id.js';
import type { MailTransport, MailerPorts, SentLog } from '../domain/ports.js';
import { deliver } from './deliver.js';

const event = { id: '6c1f6f0e-1d0a-4b57-8a0f-3b8f1e6f2a11', type: 'comment.created' } as const;
const content = { subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' };
const to = (email: string, name?: string): MailRequest => ({
  to: name === undefined ? { email } : { email, name },
  content,
});

class MemorySentLog implements SentLog {
  readonly records = new Map<string, SentMail>();
  async has(key: string) {
    return this.records.has(key);
  }
  async record(sent: SentMail) {
    if (!this.records.has(sent.key)) this.records.set(sent.key, sent);
  }
}

/** Records what it sends; `fail` decides per recipient whether (and how) a send fails. */
class RecordingTransport implements MailTransport {
  readonly sent: OutgoingMail[] = [];
  readonly attempts: string[] = [];
  fail: (email: string) => Error | undefined = () => undefined;
  async send(mail: OutgoingMail) {
    this.attempts.push(mail.to.email);
    const error = this.fail(mail.to.email);
    if (error) throw error;
    this.sent.push(mail);
  }
  async close() {}
}

function setup() {
  const transport = new RecordingTransport();
  const sentLog = new MemorySentLog();
  const ports: MailerPorts = {
    transport,
    sentLog,
    from: 'Herald <no-reply@herald.local>',
    heartbeats: { record: () => Promise.resolve() },
    now: () => new Date('2025-03-02T10:00:00Z'),
  };
  return { transport, sentLog, ports };
}

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
});
