import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentFailure } from '@herald/bus';
import { freePort, startSmtpServer, testLogger, type TestSmtpServer } from '@herald/testkit';
import type { OutgoingMail } from '../domain/mail.js';
import type { MailTransport } from '../domain/ports.js';
import { SendThrottled } from '../domain/send-gate.js';
import { createSmtpTransport } from './nodemailer-transport.js';

let smtp: TestSmtpServer;
let transport: MailTransport;

const mail = (n: number): OutgoingMail => ({
  from: 'Herald <no-reply@herald.local>',
  to: { email: `rcpt${n}@example.test`, name: `Recipient ${n}` },
  subject: `Mail ${n}`,
  html: `<p>mail &amp; ${n}</p>`,
  text: `mail & ${n}`,
  messageId: `<${String(n).padStart(32, '0')}@herald>`,
  headers: { 'X-Herald-Event-Id': `e-${n}` },
});

function transportTo(url: string, socketTimeoutMs = 10_000): MailTransport {
  return createSmtpTransport({
    url,
    connectionTimeoutMs: 2_000,
    greetingTimeoutMs: 2_000,
    socketTimeoutMs,
    maxConnections: 2,
    logger: testLogger,
  });
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  transport = transportTo(smtp.url, 500);
});

afterAll(async () => {
  await transport.close();
  await smtp.close();
});

beforeEach(() => smtp.reset());

/** The error a send rejects with. */
async function failureOf(send: Promise<void>): Promise<Error> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the send to fail');
  return error;
}

describe('the SMTP transport, against a real SMTP server', () => {
  it('delivers the e-mail with its Message-ID, both parts and the extra headers', async () => {
    await transport.send(mail(1));
    const [received] = await smtp.waitFor(1);
    expect(received).toMatchObject({
      from: 'no-reply@herald.local',
      to: ['rcpt1@example.test'],
      subject: 'Mail 1',
      html: '<p>mail &amp; 1</p>',
      messageId: `<${'1'.padStart(32, '0')}@herald>`,
    });
    expect(received?.text.trim()).toBe('mail & 1');
    expect(received?.headers['x-herald-event-id']).toBe('e-1');
    expect(received?.headers.to).toBe('Recipient 1 <rcpt1@example.test>');
  });

  it('sends several e-mails over the pool', async () => {
    await Promise.all([2, 3, 4, 5].map((n) => transport.send(mail(n))));
    expect((await smtp.waitFor(4)).map((m) => m.to[0]).sort()).toEqual([
      'rcpt2@example.test',
      'rcpt3@example.test',
      'rcpt4@example.test',
      'rcpt5@example.test',
    ]);
  });

  it.each([
    [421, 'data'],
    [454, 'rcpt'],
  ] as const)('fails with SendThrottled on a %i at %s, naming the code', async (code, at) => {
    smtp.refuse(code, { at });
    const error = await failureOf(transport.send(mail(7)));
    expect(error).toBeInstanceOf(SendThrottled);
    expect(error.message).toMatch(new RegExp(`^SMTP ${code}: `));
    expect(smtp.messages).toHaveLength(0);
  });

  it.each([
    [451, 'rcpt'],
    [452, 'data'],
  ] as const)('fails with a retryable error on a %i at %s', async (code, at) => {
    smtp.refuse(code, { at });
    const error = await failureOf(transport.send(mail(6)));
    expect(error).not.toBeInstanceOf(PermanentFailure);
    expect((error as { responseCode?: number }).responseCode).toBe(code);
    expect(smtp.refusals).toMatchObject([{ code, at, to: ['rcpt6@example.test'] }]);
    expect(smtp.messages).toHaveLength(0);
  });

  it.each([
    [550, 'rcpt'],
    [554, 'data'],
  ] as const)('fails with a PermanentFailure on a %i at %s', async (code, at) => {
    smtp.refuse(code, { at });
    const error = await failureOf(transport.send(mail(7)));
    expect(error).toBeInstanceOf(PermanentFailure);
    expect(error.message).toMatch(new RegExp(`^SMTP ${code}: `));
  });

  it('gives up on a server that never answers DATA after the socket timeout, retryably', async () => {
    smtp.hang();
    const started = Date.now();
    const error = await failureOf(transport.send(mail(8)));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).not.toBeInstanceOf(PermanentFailure);
    expect((error as { code?: string }).code).toBe('ETIMEDOUT');
    expect(smtp.held).toBe(1);

    smtp.accept(); // the held answer goes to a closed connection: nothing is recorded for it
    await transport.send(mail(9));
    const messages = await smtp.waitFor(1);
    expect(messages.map((m) => m.subject)).toEqual(['Mail 9']);
  });

  it('fails retryably when nothing listens on the SMTP port', async () => {
    const nowhere = transportTo(`smtp://127.0.0.1:${await freePort()}`);
    try {
      const error = await failureOf(nowhere.send(mail(10)));
      expect(error).not.toBeInstanceOf(PermanentFailure);
      expect((error as { code?: string }).code).toMatch(/^E(CONNECTION|SOCKET)$/);
    } finally {
      await nowhere.close();
    }
  });
});
