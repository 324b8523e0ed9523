import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordingLogger } from '@herald/testkit';
import type { OutgoingMail } from '../domain/mail.js';
import { createOutboxTransport } from './nodemailer-transport.js';

const { logger, lines } = recordingLogger();

const mail: OutgoingMail = {
  from: 'Herald <no-reply@herald.local>',
  to: { email: 'bob@example.test', name: 'Bob Builder' },
  subject: 'Grüße from Herald',
  html: '<p>&lt;script&gt;</p>',
  text: 'plain part',
  messageId: '<0123456789abcdef0123456789abcdef@herald>',
  headers: { 'X-Herald-Event-Id': 'e-1' },
};

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'herald-outbox-')), 'nested', 'mail');
  lines.length = 0;
});
afterEach(async () => {
  await rm(join(dir, '..', '..'), { recursive: true, force: true });
});

describe('the .eml outbox transport', () => {
  it('writes the e-mail as an RFC 5322 file named after its Message-ID, and logs one line', async () => {
    const transport = createOutboxTransport({ dir, logger });
    await transport.send(mail);

    const file = join(dir, '0123456789abcdef0123456789abcdef@herald.eml');
    const eml = await readFile(file, 'utf8');
    expect(eml).toContain('Message-ID: <0123456789abcdef0123456789abcdef@herald>\r\n');
    expect(eml).toContain('To: Bob Builder <bob@example.test>\r\n');
    expect(eml).toContain('X-Herald-Event-ID: e-1\r\n');
    expect(eml).toMatch(/^Subject: =\?UTF-8\?Q\?Gr=C3=BC=C3=9Fe_from_Herald\?=\r$/m);
    expect(eml).toContain('Content-Type: text/plain');
    expect(eml).toContain('Content-Type: text/html');
    expect(lines).toEqual([
      {
        level: 'info',
        to: 'bob@example.test',
        subject: 'Grüße from Herald',
        file,
        msg: 'e-mail written',
      },
    ]);
  });

  it('overwrites the file when the same e-mail is written again', async () => {
    const transport = createOutboxTransport({ dir, logger });
    await transport.send(mail);
    await transport.send(mail);
    expect(await readdir(dir)).toEqual(['0123456789abcdef0123456789abcdef@herald.eml']);
  });
});
