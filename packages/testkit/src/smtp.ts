import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerDataStream,
  type SMTPServerError,
  type SMTPServerSession,
} from 'smtp-server';
import { eventually } from './wait.js';

/** One e-mail as it arrived: addresses bare and lower-cased, bodies decoded. */
export interface ReceivedMail {
  /** MAIL FROM of the SMTP envelope (the From header's address for a parsed file). */
  readonly from: string;
  /** RCPT TO of the SMTP envelope (the To header's addresses for a parsed file). */
  readonly to: readonly string[];
  /** Decoded Subject header. */
  readonly subject: string;
  /** The HTML part, '' when there is none. */
  readonly html: string;
  /** The plain-text part, '' when there is none. */
  readonly text: string;
  /** Message-ID header, angle brackets included. */
  readonly messageId: string;
  /** Raw header values by lower-case name, unfolded, not decoded; repeated headers joined by '\n'. */
  readonly headers: Readonly<Record<string, string>>;
  /** The message source exactly as received. */
  readonly raw: string;
}

/** Where the server refuses: after RCPT TO (per recipient) or after DATA (whole message). */
export type RefusalStage = 'rcpt' | 'data';

/** One refused command, so a test can see that a client really tried (and retried). */
export interface Refusal {
  readonly code: number;
  readonly at: RefusalStage;
  readonly from: string;
  readonly to: readonly string[];
}

/** How the server answers from now on. */
export type SmtpMode =
  | { readonly kind: 'accept' }
  | {
      readonly kind: 'refuse';
      readonly code: number;
      readonly at: RefusalStage;
      /** Only this recipient is refused; others pass. */
      readonly to?: string;
    }
  | { readonly kind: 'hang' };

/** A real SMTP server on 127.0.0.1 (no TLS, no auth) that records what it receives. */
export interface TestSmtpServer {
  /** `smtp://127.0.0.1:PORT`, ready for SMTP_URL. */
  readonly url: string;
  readonly port: number;
  /** Accepted messages, in arrival order. */
  readonly messages: readonly ReceivedMail[];
  /** Refused RCPT TO / DATA commands, in order. */
  readonly refusals: readonly Refusal[];
  /** DATA commands held unanswered by `hang()` so far (including ones already released). */
  readonly held: number;
  readonly mode: SmtpMode;
  /** Accept everything (the default); held messages get a 250 if their client still waits. */
  accept(): void;
  /**
   * Refuse with `code` (4xx temporary, 5xx permanent) at RCPT TO (default) or DATA, for everyone or
   * only for the recipient `to`; held messages get the refusal too.
   */
  refuse(code: number, options?: { readonly at?: RefusalStage; readonly to?: string }): void;
  /** Take each message but never answer its DATA until the mode changes (a hung server). */
  hang(): void;
  /** Resolves once `count` messages arrived (or `predicate` holds), with all messages so far. */
  waitFor(
    count: number | ((messages: readonly ReceivedMail[]) => boolean),
    timeoutMs?: number,
  ): Promise<readonly ReceivedMail[]>;
  /** Forgets messages, refusals and the held count (held ones get a 421), and accepts again. */
  reset(): void;
  /** Answers held messages with 421, drops client connections and stops listening. */
  close(): Promise<void>;
}

/** How long a held DATA answer waits after the mode changes (see `release`). */
const releaseGraceMs = 50;

interface HeldData {
  readonly session: SMTPServerSession;
  readonly raw: Buffer;
  readonly answer: (err?: Error | null) => void;
}

function smtpError(code: number, message: string): SMTPServerError {
  const error: SMTPServerError = new Error(message);
  error.responseCode = code;
  return error;
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.map((a) => (a.address ?? '').toLowerCase()));
}

function headerRecord(lines: readonly { key: string; line: string }[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    headers[key] = key in headers ? `${headers[key]}\n${value}` : value;
  }
  return headers;
}

/** Parses a raw message (an .eml file, say) into the shape the test server records. */
export async function parseMail(
  source: Buffer | string,
  envelope?: { readonly from: string; readonly to: readonly string[] },
): Promise<ReceivedMail> {
  const parsed = await simpleParser(source);
  return {
    from: envelope?.from ?? addressesOf(parsed.from)[0] ?? '',
    to: envelope?.to ?? addressesOf(parsed.to),
    subject: parsed.subject ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    text: parsed.text ?? '',
    messageId: parsed.messageId ?? '',
    headers: headerRecord(parsed.headerLines),
    raw: typeof source === 'string' ? source : source.toString('utf8'),
  };
}

function envelopeOf(session: SMTPServerSession) {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    from: mailFrom ? mailFrom.address.toLowerCase() : '',
    to: rcptTo.map((r) => r.address.toLowerCase()),
  };
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/**
 * Starts a real SMTP server (npm `smtp-server`) on a random 127.0.0.1 port. Plain text, auth
 * optional: point a service's SMTP_URL at `url`, then assert over what arrived on the wire.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const refusals: Refusal[] = [];
  const closed = new Set<string>();
  let heldData: HeldData[] = [];
  let held = 0;
  let mode: SmtpMode = { kind: 'accept' };

  /** The refusal the current mode gives at `at`, recorded; undefined when the mode lets it pass. */
  const refuseNow = (
    session: SMTPServerSession,
    at: RefusalStage,
    to = envelopeOf(session).to,
  ): SMTPServerError | undefined => {
    if (mode.kind !== 'refuse' || (mode.at !== at && at !== 'data')) return undefined;
    if (mode.to !== undefined && !to.includes(mode.to.toLowerCase())) return undefined;
    refusals.push({ code: mode.code, at, from: envelopeOf(session).from, to });
    const kind = mode.code >= 500 ? 'permanent' : 'temporary';
    return smtpError(mode.code, `test server refuses (${kind})`);
  };

  const accept = async (session: SMTPServerSession, raw: Buffer) => {
    messages.push(await parseMail(raw, envelopeOf(session)));
  };

  /** Answers every held DATA command with `final`, or each as the current mode says. */
  const settle = (final?: SMTPServerError) => {
    const pending = heldData;
    heldData = [];
    for (const { session, raw, answer } of pending) {
      if (final) answer(final);
      else if (closed.has(session.id))
        answer(); // the client gave up; nobody hears the answer
      else if (mode.kind === 'hang') heldData.push({ session, raw, answer });
      else {
        const refusal = refuseNow(session, 'data');
        if (refusal) answer(refusal);
        else accept(session, raw).then(() => answer(), answer);
      }
    }
  };
  /**
   * After a mode change, held answers go out once a client that has just timed out is seen to be
   * gone (its close is still in flight when the test switches modes right after the failure).
   */
  const release = () => void setTimeout(() => settle(), releaseGraceMs);

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 200,
    onRcptTo(address, session, callback) {
      // The address being refused is not in the envelope yet: it is the one to record.
      callback(refuseNow(session, 'rcpt', [address.address.toLowerCase()]) ?? null);
    },
    onData(stream, session, callback) {
      const answer = async () => {
        const raw = await readAll(stream);
        if (mode.kind === 'hang') {
          held++;
          heldData.push({ session, raw, answer: callback });
          return;
        }
        const refusal =
          mode.kind === 'refuse' && mode.at === 'data' ? refuseNow(session, 'data') : undefined;
        if (refusal) return callback(refusal);
        await accept(session, raw);
        callback();
      };
      answer().catch((error: unknown) =>
        callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
    onClose(session, callback) {
      closed.add(session.id);
      callback();
    },
  });
  server.on('error', () => undefined); // a client dropping mid-command is normal in tests

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    refusals,
    get held() {
      return held;
    },
    get mode() {
      return mode;
    },
    accept() {
      mode = { kind: 'accept' };
      release();
    },
    refuse(code, { at = 'rcpt', to } = {}) {
      if (code < 400 || code > 599) throw new Error(`refuse needs a 4xx or 5xx code, got ${code}`);
      mode = to === undefined ? { kind: 'refuse', code, at } : { kind: 'refuse', code, at, to };
      release();
    },
    hang() {
      mode = { kind: 'hang' };
    },
    async waitFor(count, timeoutMs) {
      const done =
        typeof count === 'number'
          ? () => {
              if (messages.length >= count) return true;
              throw new Error(`${messages.length} arrived so far`);
            }
          : () => count(messages);
      const what = typeof count === 'number' ? `${count} e-mail(s)` : 'the expected e-mails';
      await eventually(what, done, timeoutMs);
      return messages;
    },
    reset() {
      messages.length = 0;
      refusals.length = 0;
      held = 0;
      mode = { kind: 'accept' };
      settle(smtpError(421, 'test server reset'));
    },
    async close() {
      settle(smtpError(421, 'test server shutting down'));
      for (const connection of server.connections) connection.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
