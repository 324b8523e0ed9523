import type { PreferenceKind } from '@herald/contracts';

/** What a template makes of an event for one recipient. */
export interface RenderedMail {
  /** One line, already stripped of CR/LF and control characters. */
  readonly subject: string;
  /** Every user-supplied value in it is HTML-escaped. */
  readonly html: string;
  readonly text: string;
}

/** Someone to mail: the address and the name to greet them by. */
export interface MailRecipient {
  readonly email: string;
  readonly name?: string;
}

/**
 * What makes an e-mail non-transactional: the user it is for and the kind of notification it is.
 * Such an e-mail is skipped when the user turned that kind's e-mail off, and carries one-click
 * unsubscribe headers. Transactional mail (welcome, invite) has none and is always sent.
 */
export interface MailSubscription {
  readonly userId: string;
  readonly kind: PreferenceKind;
}

/** One e-mail a handler wants sent for an event. */
export interface MailRequest {
  readonly to: MailRecipient;
  readonly content: RenderedMail;
  readonly subscription?: MailSubscription;
}

/** An e-mail ready for a transport. */
export interface OutgoingMail {
  readonly from: string;
  readonly to: MailRecipient;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Deterministic per (event, recipient), angle brackets included. */
  readonly messageId: string;
  /** Extra headers (event id and type, Auto-Submitted, List-Unsubscribe on non-transactional mail). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The sent-log's record of one delivered e-mail. */
export interface SentMail {
  /** `${eventId}:${recipient}`: at most one e-mail per event and recipient. */
  readonly key: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly recipient: string;
  readonly messageId: string;
  readonly sentAt: Date;
}
