import type { AccessClaims } from '@herald/auth';
import { createEvent } from '@herald/contracts';
import { AppError } from '@herald/errors';
import { requireMemberAmong } from './access.js';
import type { Comment } from './comment.js';
import { mentionCandidates, resolveMentions } from './mentions.js';
import type { ApiPorts } from './ports.js';
import { taskRef } from './task.js';

/** Posts a comment; `comment.created` carries the resolved mentions so consumers can notify them. */
export async function postComment(
  taskId: string,
  body: string,
  caller: AccessClaims,
  ports: ApiPorts,
): Promise<Comment> {
  const task = await ports.tasks.byId(taskId);
  if (!task) throw new AppError('notFound', `no task ${taskId}`);
  // Only the mentioned members are read, each by `_id`: the comment path must not list a workspace.
  const members = await requireMemberAmong(
    task.workspaceId,
    caller.userId,
    mentionCandidates(body),
    ports,
  );
  const mentions = resolveMentions(body, members, caller.userId);
  const now = ports.now();
  const comment: Comment = {
    id: ports.newId(),
    taskId: task.id,
    workspaceId: task.workspaceId,
    authorId: caller.userId,
    body,
    mentionIds: mentions.map((m) => m.userId),
    createdAt: now,
  };
  const event = createEvent(
    'comment.created',
    {
      ...taskRef(task),
      commentId: comment.id,
      body,
      author: { userId: caller.userId, name: caller.name, handle: caller.handle },
      mentions: mentions.map(({ userId, email, name, handle }) => ({
        userId,
        email,
        name,
        handle,
      })),
    },
    'api',
    { time: now },
  );
  await ports.comments.create(comment, [event]);
  return comment;
}
