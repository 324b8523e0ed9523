import { describe, expect, it } from 'vitest';
import type { RenderedMail } from '../domain/mail.js';
import { digestMail } from './digest.js';
import {
  aComment,
  aDigest,
  aPasswordChange,
  aReset,
  aUser,
  aVerification,
  anAssignment,
  anAttempt,
  anInvite,
  anOverdue,
  hostile,
} from './fixtures.js';
import { inviteMail } from './invite.js';
import { mentionMail } from './mention.js';
import { passwordChangedMail } from './password-changed.js';
import { passwordResetMail } from './password-reset.js';
import { registrationAttemptedMail } from './registration-attempted.js';
import { taskAssignedMail } from './task-assigned.js';
import { taskOverdueMail } from './task-overdue.js';
import { verifyEmailMail } from './verify-email.js';
import { welcomeMail } from './welcome.js';

const verifyLink = 'https://herald.example/app/verify-email/abc_DEF-123';
const resetLink = 'https://herald.example/app/reset-password/abc_DEF-123';

const rendered: [string, RenderedMail][] = [
  ['welcome', welcomeMail(aUser({ name: hostile }))],
  ['invite', inviteMail(anInvite())],
  ['task assigned', taskAssignedMail(anAssignment())],
  ['mention', mentionMail(aComment(), { name: hostile })],
  ['task overdue', taskOverdueMail(anOverdue(), { name: hostile })],
  ['digest', digestMail(aDigest())],
  ['verification', verifyEmailMail(aVerification(), verifyLink)],
  ['password reset', passwordResetMail(aReset(), resetLink)],
  ['registration attempted', registrationAttemptedMail(anAttempt())],
  ['password changed', passwordChangedMail(aPasswordChange())],
];

describe.each(rendered)('the %s e-mail, given hostile names and titles', (_name, mail) => {
  it('escapes every user-supplied value in the HTML', () => {
    expect(mail.html).not.toContain('<script');
    expect(mail.html).not.toContain('alert("x")');
    expect(mail.html).not.toContain("O'Brien");
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('O&#39;Brien &amp; Co');
    // Only the layout's own markup remains: no tag the input could have opened.
    expect(mail.html).not.toMatch(
      /<(?!\/?(html|head|meta|title|body|div|h1|h2|p|strong|a|ul|li|span|blockquote|br)\b|!doctype)/i,
    );
  });

  it('has a one-line subject: no CR, LF or other control character to inject a header with', () => {
    // eslint-disable-next-line no-control-regex
    expect(mail.subject).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(mail.subject.length).toBeLessThanOrEqual(200);
  });

  it('has a plain-text part with the values readable, not escaped', () => {
    expect(mail.text).toContain(
      `<script>alert("x")</script> O'Brien & Co Bcc: victim@example.test`,
    );
    expect(mail.text).not.toContain('&lt;');
    expect(mail.text).not.toContain('\r');
  });
});

describe('welcomeMail', () => {
  it('greets the user by name and handle', () => {
    const mail = welcomeMail(aUser({ name: 'Ada Lovelace', handle: 'ada' }));
    expect(mail.subject).toBe('Welcome to Herald, Ada Lovelace');
    expect(mail.html).toContain('@ada');
    expect(mail.text).toContain('Your account @ada is ready.');
  });
});

describe('inviteMail', () => {
  it('links to the accept URL, escaped inside the href', () => {
    const mail = inviteMail(anInvite({ workspaceName: 'Apollo' }));
    expect(mail.html).toContain('href="https://herald.example/invites/accept?token=a1&amp;ws=w-1"');
    expect(mail.text).toContain('https://herald.example/invites/accept?token=a1&ws=w-1');
    expect(mail.subject).toContain('invited you to Apollo on Herald');
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://herald.example/x'])(
    'refuses to render a %s link',
    (acceptUrl) => {
      expect(() => inviteMail(anInvite({ acceptUrl }))).toThrow(/http\(s\)/);
    },
  );

  it('cannot be broken out of its href attribute', () => {
    const mail = inviteMail(anInvite({ acceptUrl: 'https://herald.example/a"onmouseover="x' }));
    expect(mail.html).not.toContain('"onmouseover="');
  });
});

describe('mentionMail', () => {
  it('greets the mentioned member by their own name, escaped in the HTML', () => {
    const mail = mentionMail(aComment(), { name: 'Bob <b>Builder</b>' });
    expect(mail.html).toContain('Hi Bob &lt;b&gt;Builder&lt;/b&gt;,');
    expect(mail.text).toMatch(/^Hi Bob <b>Builder<\/b>,$/m);
  });

  it('quotes the comment, keeping its line breaks', () => {
    const mail = mentionMail(aComment(), { name: 'Bob' });
    expect(mail.html).toContain('<br>\nsecond line');
    expect(mail.text).toContain('> second line');
  });

  it('quotes at most the first 2000 characters of a long comment', () => {
    const mail = mentionMail({ ...aComment(), body: 'x'.repeat(10_000) }, { name: 'Bob' });
    expect(mail.text).toContain(`${'x'.repeat(1_999)}…`);
    expect(mail.text).not.toContain('x'.repeat(2_000));
  });
});

describe('taskOverdueMail', () => {
  it('says when the task was due, in UTC', () => {
    expect(taskOverdueMail(anOverdue(), { name: 'Bob' }).text).toContain(
      'It was due 2025-03-01 09:00 UTC',
    );
  });
});

describe('digestMail', () => {
  it('lists the entries it got and says how many the activity service left out', () => {
    const digest = aDigest();
    const entries = Array.from({ length: 20 }, (_, i) => ({
      type: 'task.created',
      summary: `entry ${i}`,
      at: '2025-03-02T10:15:00.000Z',
    }));
    const mail = digestMail({
      ...digest,
      workspaces: [{ workspaceId: 'w-2', name: 'Apollo', entries, more: 5 }],
      moreWorkspaces: 2,
    });
    expect(mail.subject).toBe('Your Herald digest for 2025-03-02');
    expect(mail.text).toContain('- entry 19 (2025-03-02 10:15 UTC)');
    expect(mail.text).toContain('and 5 more');
    expect(mail.text).toContain('and news in 2 more workspaces');
    expect(mail.html).toContain('and news in 2 more workspaces');
    expect(mail.html.match(/<li /g)).toHaveLength(20);
  });

  it('counts nothing when nothing was left out', () => {
    const mail = digestMail(aDigest());
    expect(mail.text).not.toMatch(/and \d+ more|more workspace/);
  });
});

describe.each([
  ['verifyEmailMail', (link: string) => verifyEmailMail(aVerification(), link), verifyLink],
  ['passwordResetMail', (link: string) => passwordResetMail(aReset(), link), resetLink],
])('%s', (_name, render, link) => {
  it('links to the page in the button and the text, and says until when it works', () => {
    const mail = render(link);
    expect(mail.html).toContain(`href="${link}"`);
    expect(mail.text).toContain(link);
    expect(mail.text).toMatch(/works once, until 2025-03-0\d \d\d:00 UTC/);
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>'])('refuses a %s link', (bad) => {
    expect(() => render(bad)).toThrow(/http\(s\)/);
  });
});

describe('verifyEmailMail', () => {
  it('says the link lasts until the expiry of the token', () => {
    expect(verifyEmailMail(aVerification(), verifyLink).text).toContain(
      'until 2025-03-03 10:00 UTC',
    );
  });
});

describe('registrationAttemptedMail and passwordChangedMail', () => {
  it('carry no link at all: nothing to act on but the owner knowing', () => {
    for (const mail of [
      registrationAttemptedMail(anAttempt()),
      passwordChangedMail(aPasswordChange()),
    ]) {
      expect(mail.html).not.toContain('href=');
      expect(mail.text).not.toMatch(/https?:/);
    }
    expect(registrationAttemptedMail(anAttempt()).subject).toBe(
      'Someone tried to register with your address on Herald',
    );
    expect(passwordChangedMail(aPasswordChange()).text).toContain('signed out');
  });
});
