import type { NotificationPreferences } from '@herald/contracts';
import type { OutgoingMail, SentMail } from './mail.js';
import type { SendGate } from './send-gate.js';

/**
 * Sends one e-mail. Rejects with PermanentFailure when the server refused it for good (5xx), with
 * SendThrottled when it asked to slow down, and with a plain Error when trying again later may work
 * (other 4xx, connection loss, timeout).
 */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
}

/** Which (event, recipient) pairs were already mailed. */
export interface SentLog {
  has(key: string): Promise<boolean>;
  /** Recording the same key twice keeps the first record. */
  record(sent: SentMail): Promise<void>;
}

/** The mailer's own copy of each user's notification preferences. */
export interface PreferencesCopy {
  of(userId: string): Promise<NotificationPreferences>;
  record(change: {
    userId: string;
    version: number;
    preferences: NotificationPreferences;
  }): Promise<void>;
}

/** What the one-click unsubscribe headers are made of. */
export interface UnsubscribeLinks {
  /** The API's public URL: links go to `<publicUrl>/unsubscribe/<token>`. */
  readonly publicUrl: string;
  /** The secret the API checks tokens with. */
  readonly secret: string;
  /** An address that also unsubscribes, offered beside the link when set. */
  readonly mailto?: string | undefined;
}

/** What verification and password-reset links are made of. */
export interface AccountLinks {
  /** The API's public URL: links go to `<publicUrl>/verify-email/<token>` and `/reset-password/`. */
  readonly publicUrl: string;
  /** Derives a link's token from the token id its event carries; the API holds it too. */
  readonly secret: string;
}

export interface MailerPorts {
  readonly transport: MailTransport;
  /** When the next e-mail may go: the send rate and throttling pauses, critical mail first. */
  readonly gate: SendGate;
  readonly sentLog: SentLog;
  /** From header of every e-mail. */
  readonly from: string;
  /** When the mailer last handled `system.heartbeat` (pipeline health). */
  readonly heartbeats: { record(slot: Date, receivedAt: Date): Promise<void> };
  readonly now: () => Date;
  readonly preferences: PreferencesCopy;
  readonly unsubscribe: UnsubscribeLinks;
  readonly accountLinks: AccountLinks;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}
