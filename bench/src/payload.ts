import { createEvent, type CommentCreated, type Event } from '@herald/contracts';

/** Every benchmark moves the same event type; its serialized envelope is exactly this many bytes. */
export const MESSAGE_BYTES = 1_024;
export const EVENT_TYPE = 'comment.created';
export const SOURCE = 'bench';

const filler =
  'Looks good to me, but the retry path needs a test for the wait queue expiry before we merge. ';

function withBody(body: string): CommentCreated {
  return {
    workspaceId: 'ws-0f8a6c2e-bench',
    taskId: 'task-6d1e9b47-bench',
    key: 'WS-1024',
    title: 'Benchmark the event pipeline against the bare client',
    commentId: 'c-3b9d2f71-bench',
    body,
    author: { userId: 'u-5a7c1e93-bench', name: 'Ada Bench', handle: 'ada' },
    mentions: [],
  };
}

function sizeOf(data: CommentCreated): number {
  return Buffer.byteLength(JSON.stringify(createEvent(EVENT_TYPE, data, SOURCE)));
}

/** A valid `comment.created` payload whose envelope serializes to MESSAGE_BYTES bytes. */
export const commentData: CommentCreated = (() => {
  const base = sizeOf(withBody('x'));
  const length = MESSAGE_BYTES - base + 1;
  const body = filler.repeat(Math.ceil(length / filler.length)).slice(0, length);
  const data = withBody(body);
  const size = sizeOf(data);
  if (size !== MESSAGE_BYTES) throw new Error(`payload is ${size} bytes, not ${MESSAGE_BYTES}`);
  return data;
})();

/** A fresh, valid event (new id) for paths that need unique ids. */
export function commentEvent(): Event<typeof EVENT_TYPE> {
  return createEvent(EVENT_TYPE, commentData, SOURCE);
}

/** One serialized envelope, reused by the bare-client baselines. */
export const commentBody: Buffer = Buffer.from(JSON.stringify(commentEvent()));
