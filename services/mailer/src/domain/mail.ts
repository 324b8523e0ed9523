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

/** One e-mail a handler wants sent for an event. */
export interface MailRequest {
  readonly to: MailRecipient;
  readonly content: RenderedMail;
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
  /** Extra headers (event id and type, Auto-Submitted). */
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
