import type { Recipient, TaskOverdue } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { formatUtc, oneLine, subjectLine } from './text.js';

const reason = 'You received this e-mail because you are assigned to this task.';

/** The daily reminder to each assignee of a task past its due date. */
export function taskOverdueMail(
  data: TaskOverdue,
  recipient: Pick<Recipient, 'name'>,
): RenderedMail {
  const name = oneLine(recipient.name);
  const key = oneLine(data.key);
  const title = oneLine(data.title);
  const due = formatUtc(data.dueDate);
  return {
    subject: subjectLine(`Overdue: [${key}] ${title}`),
    html: page({
      title: `${key} is overdue`,
      body: html`${greeting(name)}
        <p><strong>${key}</strong>: ${title}</p>
        <p>It was due ${due} and is not done yet.</p>`,
      reason,
    }),
    text: textPage(
      [`Hi ${name},`, '', `${key}: ${title}`, '', `It was due ${due} and is not done yet.`],
      reason,
    ),
  };
}
