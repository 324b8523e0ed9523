import type {
  CommentCreated,
  TaskAssigned,
  TaskCreated,
  TaskStatus,
  TaskStatusChanged,
  WorkspaceCreated,
  WorkspaceMemberInvited,
  WorkspaceMemberJoined,
} from '@herald/contracts';

/** Digest entries carry a summary of at most 500 characters (contracts' DigestEntry). */
export const maxSummaryLength = 500;

const statusLabel: Record<TaskStatus, string> = {
  todo: 'To do',
  in_progress: 'In progress',
  done: 'Done',
};

// Line and paragraph breaks and other control characters would break the one-liner; bidi
// overrides would let a name visually reorder the rest of the line.
const breaking = /[\s\p{Cc}\p{Zl}\p{Zp}]+/gu;
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/gu;

/** User text made safe for a single plain-text line. Markup is kept as typed: it is just text. */
export function oneLine(text: string): string {
  return text.replace(bidiControls, '').replace(breaking, ' ').trim();
}

/** Cuts `text` to `max` UTF-16 units (what zod's max counts) without splitting a character. */
export function clip(text: string, max = maxSummaryLength): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max - 1) break;
    kept += char;
  }
  return `${kept}…`;
}

/** A template tag: every interpolated value goes through `oneLine`, the result through `clip`. */
function line(parts: TemplateStringsArray, ...values: string[]): string {
  const text = parts.reduce((out, part, i) => out + part + oneLine(values[i] ?? ''), '');
  return clip(text);
}

function task(t: { readonly key: string; readonly title: string }): string {
  return `${oneLine(t.key)} “${oneLine(t.title)}”`;
}

/** The one-line summary of each event the feed shows, e.g. `Ada commented on WS-3 “Fix login”`. */
export const summarize = {
  workspaceCreated: (d: WorkspaceCreated) =>
    line`${d.owner.name} created the workspace “${d.name}”`,
  memberInvited: (d: WorkspaceMemberInvited) =>
    line`${d.invitedBy.name} invited ${d.email} to “${d.workspaceName}”`,
  memberJoined: (d: WorkspaceMemberJoined) => line`${d.member.name} joined “${d.workspaceName}”`,
  taskCreated: (d: TaskCreated) => line`${d.createdBy.name} created ${task(d)}`,
  taskStatusChanged: (d: TaskStatusChanged) =>
    line`${d.changedBy.name} moved ${task(d)} from ${statusLabel[d.from]} to ${statusLabel[d.to]}`,
  taskAssigned: (d: TaskAssigned) =>
    d.assignee.userId === d.assignedBy.userId
      ? line`${d.assignedBy.name} took ${task(d)}`
      : line`${d.assignedBy.name} assigned ${task(d)} to ${d.assignee.name}`,
  commentCreated: (d: CommentCreated) => line`${d.author.name} commented on ${task(d)}`,
};
