// Where `npm run demo` reads the e-mails the mailer sent: the .eml folder of the default transport,
// or, with SMTP_URL set, the SMTP server's own HTTP API (Mailpit's, which `npm run demo` documents).
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseMail, type ReceivedMail } from '@herald/testkit';

export interface MailSink {
  /** Says where the mail is read from, for the demo's output and its error messages. */
  readonly description: string;
  /** E-mails that arrived at or after `since` (ms since the epoch). */
  since(since: number): Promise<ReceivedMail[]>;
}

/** The SMTP transport's sink cannot be read: the demo stops with this instead of waiting. */
export class MailSinkUnreadable extends Error {
  override readonly name = 'MailSinkUnreadable';
}

export function emlFolder(dir: string): MailSink {
  return {
    description: `the .eml files in ${dir}`,
    async since(since) {
      const files = await readdir(dir).catch(() => [] as string[]);
      const mails: ReceivedMail[] = [];
      for (const file of files.filter((f) => f.endsWith('.eml'))) {
        const path = join(dir, file);
        if ((await stat(path)).mtimeMs >= since) mails.push(await parseMail(await readFile(path)));
      }
      return mails;
    },
  };
}

const MailpitList = z.object({
  messages: z.array(z.object({ ID: z.string(), Created: z.string() })),
});

/** Mailpit's REST API (`GET /api/v1/messages`, `GET /api/v1/message/{id}/raw`). */
export function mailpit(apiUrl: string, smtp: string): MailSink {
  const base = apiUrl.replace(/\/$/, '');
  const description = `the SMTP server ${smtp}, read through its API at ${base}`;
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(5_000) }).catch(
      (error: unknown) => {
        throw new MailSinkUnreadable(
          `SMTP_URL is set, so the mailer sends to ${smtp}; the demo reads those e-mails through a ` +
            `Mailpit-compatible API at ${base} (MAIL_API_URL), which did not answer ` +
            `(${String(error)}). Set MAIL_API_URL, or unset SMTP_URL to have e-mails written as .eml files.`,
        );
      },
    );
    if (!response.ok) {
      throw new MailSinkUnreadable(`${base}${path} answered ${response.status}`);
    }
    return response;
  };
  return {
    description,
    async since(since) {
      const list = MailpitList.parse(await (await get('/api/v1/messages?limit=200')).json());
      const recent = list.messages.filter((m) => Date.parse(m.Created) >= since);
      return Promise.all(
        recent.map(async (m) => parseMail(await (await get(`/api/v1/message/${m.ID}/raw`)).text())),
      );
    },
  };
}

/** The sink the running mailer writes to, as its environment says. */
export function mailSinkFor(env: NodeJS.ProcessEnv, defaultDir: string): MailSink {
  if (!env.SMTP_URL) return emlFolder(env.MAIL_OUTBOX_DIR ?? defaultDir);
  const smtp = new URL(env.SMTP_URL);
  if (smtp.password) smtp.password = '****';
  return mailpit(env.MAIL_API_URL ?? `http://${smtp.hostname}:8025`, smtp.href);
}
