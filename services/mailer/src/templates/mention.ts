import type { CommentCreated, Recipient } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html, multiline } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { oneLine, plainText, subjectLine, truncate } from './text.js';

const reason = 'You received this e-mail because someone mentioned you in a comment.';

/** How much of a comment an e-mail quotes. */
export const quoteLimit = 2_000;

/** Sent to one mentioned member, quoting the comment. */
export function mentionMail(
  data: CommentCreated,
  recipient: Pick<Recipient, 'name'>,
): RenderedMail {
  const name = oneLine(recipient.name);
  const key = oneLine(data.key);
  const title = oneLine(data.title);
  const author = oneLine(data.author.name);
  const body = truncate(plainText(data.body), quoteLimit);
  return {
    subject: subjectLine(`${author} mentioned you on ${key}: ${title}`),
    html: page({
      title: `${author} mentioned you`,
      body: html`${greeting(name)}
        <p><strong>${author}</strong> mentioned you on <strong>${key}</strong>: ${title}</p>
        <blockquote
          style="margin:16px 0;padding:8px 16px;border-left:3px solid #dfe1e6;color:#42526e"
        >
          ${multiline(body)}
        </blockquote>`,
      reason,
    }),
    text: textPage(
      [
        `Hi ${name},`,
        '',
        `${author} mentioned you on ${key}: ${title}`,
        '',
        ...body.split('\n').map((line) => `> ${line}`),
      ],
      reason,
    ),
  };
}
