import {
  defaultNotificationPreferences,
  type NotificationPreferences,
  type PreferenceKind,
} from '@herald/contracts';
import type { OutgoingMail, SentMail } from '../src/domain/mail.js';
import type { MailTransport, MailerPorts, SentLog } from '../src/domain/ports.js';
import type { SendGate, SendPriority } from '../src/domain/send-gate.js';

export class MemorySentLog implements SentLog {
  readonly records = new Map<string, SentMail>();
  async has(key: string) {
    return this.records.has(key);
  }
  async record(sent: SentMail) {
    if (!this.records.has(sent.key)) this.records.set(sent.key, sent);
  }
}

/** Records what it sends; `fail` decides per recipient whether (and how) a send fails. */
export class RecordingTransport implements MailTransport {
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

/** Lets every send through and records what it was asked. */
export class RecordingGate implements SendGate {
  readonly events: string[] = [];
  async acquire(priority: SendPriority) {
    this.events.push(`acquire ${priority}`);
  }
  throttled() {
    this.events.push('throttled');
    return 2_000;
  }
  sent() {
    this.events.push('sent');
  }
}

export const unsubscribeSecret = 'the-mailer-unit-tests-unsubscribe-secret-0';
export const linkTokenSecret = 'the-mailer-unit-tests-link-token-secret-00';

/** Mailer ports over a recording transport and in-memory sent-log and preferences. */
export function fakePorts(options: { mailto?: string } = {}) {
  const transport = new RecordingTransport();
  const sentLog = new MemorySentLog();
  const stored = new Map<string, NotificationPreferences>();
  const logged: Record<string, unknown>[] = [];
  const gate = new RecordingGate();
  const ports: MailerPorts = {
    transport,
    gate,
    sentLog,
    from: 'Herald <no-reply@herald.local>',
    heartbeats: { record: () => Promise.resolve() },
    now: () => new Date('2025-03-02T10:00:00Z'),
    preferences: {
      of: async (userId) => stored.get(userId) ?? defaultNotificationPreferences,
      record: async ({ userId, preferences }) => void stored.set(userId, preferences),
    },
    unsubscribe: {
      publicUrl: 'https://herald.example/app/',
      secret: unsubscribeSecret,
      mailto: options.mailto,
    },
    accountLinks: { publicUrl: 'https://herald.example/app/', secret: linkTokenSecret },
    log: (_message, fields) => logged.push(fields),
  };
  /** Turns one kind's e-mail off for a user. */
  const turnOff = (userId: string, kind: PreferenceKind) =>
    stored.set(userId, {
      ...defaultNotificationPreferences,
      email: { ...defaultNotificationPreferences.email, [kind]: false },
    });
  return { transport, sentLog, ports, turnOff, logged, gate };
}
