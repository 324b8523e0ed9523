import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { errorMessage, type Logger } from '@herald/bus';
import type { OutgoingMail } from '../domain/mail.js';
import type { MailTransport } from '../domain/ports.js';
import { toSendError } from './smtp-errors.js';

/** nodemailer message options for one e-mail; no file or URL access, whatever the content. */
export function toMessage(mail: OutgoingMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to.name ? { name: mail.to.name, address: mail.to.email } : mail.to.email,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: mail.messageId,
    headers: { ...mail.headers },
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export interface SmtpTransportOptions {
  /** smtp(s)://user:pass@host:port (query options as nodemailer reads them). */
  readonly url: string;
  readonly connectionTimeoutMs: number;
  readonly greetingTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly maxConnections: number;
  readonly logger: Logger;
}

const tracer = trace.getTracer('herald-mailer');

/** Sends over SMTP through a connection pool; failures are classified for the consumer. */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const pool = new SMTPPool({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    connectionTimeout: options.connectionTimeoutMs,
    greetingTimeout: options.greetingTimeoutMs,
    socketTimeout: options.socketTimeoutMs,
  });
  const transporter: Transporter = createTransport(pool);
  transporter.on('error', (err) =>
    options.logger.warn({ err: errorMessage(err) }, 'SMTP pool error'),
  );
  return {
    async send(mail) {
      // nodemailer has no OpenTelemetry instrumentation: one client span per SMTP send.
      await tracer.startActiveSpan(
        'smtp send',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'server.address': new URL(options.url).hostname,
            'smtp.message_id': mail.messageId,
          },
        },
        async (span) => {
          try {
            await sendOne(mail);
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
    async close() {
      transporter.close();
    },
  };

  async function sendOne(mail: Parameters<MailTransport['send']>[0]): Promise<void> {
    try {
      const info = (await transporter.sendMail(toMessage(mail))) as { response?: string };
      options.logger.info(
        {
          to: mail.to.email,
          subject: mail.subject,
          messageId: mail.messageId,
          response: info.response,
        },
        'e-mail sent',
      );
    } catch (error) {
      throw toSendError(error);
    }
  }
}

export interface OutboxTransportOptions {
  /** Directory for the .eml files; created when missing. */
  readonly dir: string;
  readonly logger: Logger;
}

/**
 * The embedded default when no SMTP server is configured: each e-mail becomes an .eml file named
 * after its Message-ID (a resend overwrites it), plus one log line saying where it went.
 */
export function createOutboxTransport(options: OutboxTransportOptions): MailTransport {
  const transporter = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  let ready: Promise<unknown> | undefined;
  return {
    async send(mail) {
      ready ??= mkdir(options.dir, { recursive: true });
      await ready;
      const info = await transporter.sendMail(toMessage(mail));
      const name = mail.messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]/g, '_');
      const file = join(options.dir, `${name}.eml`);
      const partial = join(options.dir, `.${name}.${process.pid}.tmp`); // hidden until renamed
      await writeFile(partial, info.message as Buffer);
      await rename(partial, file);
      options.logger.info({ to: mail.to.email, subject: mail.subject, file }, 'e-mail written');
    },
    async close() {
      transporter.close();
    },
  };
}
