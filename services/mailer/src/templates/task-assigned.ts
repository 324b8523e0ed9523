import type { TaskAssigned } from '@herald/contracts';
import type { RenderedMail } from '../domain/mail.js';
import { html } from './html.js';
import { greeting, page, textPage } from './layout.js';
import { oneLine, subjectLine } from './text.js';

const reason = 'You received this e-mail because a task was assigned to you.';

/** Tells the assignee who gave them which task. */
export function taskAssignedMail(data: TaskAssigned): RenderedMail {
  const key = oneLine(data.key);
  const title = oneLine(data.title);
  const by = oneLine(data.assignedBy.name);
  const name = oneLine(data.assignee.name);
  return {
    subject: subjectLine(`[${key}] ${title} was assigned to you`),
    html: page({
      title: `${key} was assigned to you`,
      body: html`${greeting(name)}
        <p><strong>${by}</strong> assigned you <strong>${key}</strong>: ${title}</p>`,
      reason,
    }),
    text: textPage([`Hi ${name},`, '', `${by} assigned you ${key}: ${title}`], reason),
  };
}
