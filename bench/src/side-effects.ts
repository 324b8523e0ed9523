// Watches the three side effects of a comment and notes when each was first seen here: the e-mail on
// the test SMTP server, the notification on the notifier's Server-Sent Events stream (pushed, so no
// polling delay), and the entry in the activity feed (polled: the feed has no stream). Comments are
// told apart by a reference in their body; mails and notifications carry the event id as well
// (X-Herald-Event-Id, notification id `<eventId>:<userId>`), which finds the comment's feed entry.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestSmtpServer } from '@herald/testkit';

/** How often the feed is read: the bound on how late a feed entry can be seen. */
export const FEED_POLL_MS = 25;

export interface SideEffectTimes {
  readonly mail?: number;
  readonly notification?: number;
  readonly feed?: number;
}

export interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
}

/** Splits an SSE text buffer into complete events and the unfinished rest; comment lines dropped. */
export function parseSse(buffer: string): { readonly events: SseEvent[]; readonly rest: string } {
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const events = blocks.flatMap((block) => {
    const event: { id?: string; event?: string; data?: string } = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue; // blank or a comment (": heartbeat")
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id' || field === 'event') event[field] = value;
      else if (field === 'data')
        event.data = event.data === undefined ? value : `${event.data}\n${value}`;
    }
    return Object.keys(event).length > 0 ? [event] : [];
  });
  return { events, rest };
}

/** The reference `commentBody(member, ref)` put in the text, if any. */
export function refIn(text: string, prefix: string): string | undefined {
  return new RegExp(`\\[(${prefix} [\\w.-]+)\\]`).exec(text)?.[1];
}

export interface SideEffectWatch {
  /** When each side effect of the comment tagged `ref` was seen (performance.now() times). */
  times(ref: string): SideEffectTimes;
  close(): Promise<void>;
}

/**
 * Starts watching; resolves once the notification stream is open (nothing stored after that is
 * missed). `prefix` is the first word of every reference.
 */
export async function watchSideEffects(options: {
  readonly smtp: TestSmtpServer;
  readonly notifierUrl: string;
  readonly activityUrl: string;
  readonly workspaceId: string;
  /** The mentioned member's token (their notifications) and a member's token for the feed. */
  readonly memberToken: () => Promise<string>;
  readonly feedToken: () => Promise<string>;
  readonly prefix: string;
  readonly onError: (error: Error) => void;
}): Promise<SideEffectWatch> {
  const eventOf = new Map<string, string>();
  const mailAt = new Map<string, number>();
  const notifiedAt = new Map<string, number>();
  const feedAt = new Map<string, number>();
  const stop = new AbortController();
  const fail = (error: unknown) => {
    if (!stop.signal.aborted)
      options.onError(error instanceof Error ? error : new Error(String(error)));
  };

  // E-mails: the test server appends each accepted message; look at new ones every few ms.
  let mailsSeen = 0;
  const mailTimer = setInterval(() => {
    const now = performance.now();
    for (; mailsSeen < options.smtp.messages.length; mailsSeen++) {
      const mail = options.smtp.messages[mailsSeen];
      const ref = mail ? refIn(mail.text, options.prefix) : undefined;
      const eventId = mail?.headers['x-herald-event-id'];
      if (!ref || !eventId) continue;
      eventOf.set(ref, eventId);
      if (!mailAt.has(eventId)) mailAt.set(eventId, now);
    }
  }, 5);

  // Notifications: the SSE stream of the mentioned member.
  const response = await fetch(new URL('/notifications/stream', options.notifierUrl), {
    headers: { authorization: `Bearer ${await options.memberToken()}` },
    signal: stop.signal,
  });
  if (response.status !== 200 || !response.body) {
    clearInterval(mailTimer);
    throw new Error(`notification stream: ${response.status} ${await response.text()}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let connected: () => void = () => undefined;
  const open = new Promise<void>((resolve) => (connected = resolve));
  const streaming = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const now = performance.now();
      buffer += value;
      if (buffer.includes(': connected')) connected();
      const parsed = parseSse(buffer);
      buffer = parsed.rest;
      for (const event of parsed.events) {
        if (event.event !== 'notification' || !event.data) continue;
        // The notification's id is `${eventId}:${userId}` (the SSE id is its seq in the inbox).
        const { id, body } = JSON.parse(event.data) as { id: string; body?: string };
        const eventId = id.slice(0, id.lastIndexOf(':'));
        const ref = body ? refIn(body, options.prefix) : undefined;
        if (ref) eventOf.set(ref, eventId);
        if (!notifiedAt.has(eventId)) notifiedAt.set(eventId, now);
      }
    }
    fail(new Error('the notification stream ended'));
  })().catch(fail);

  // The feed, newest first: read pages until one holds an entry seen before (or the last page).
  const readFeed = async () => {
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const url = new URL(`/workspaces/${options.workspaceId}/activity`, options.activityUrl);
      url.searchParams.set('limit', '100');
      if (cursor) url.searchParams.set('cursor', cursor);
      const answer = await fetch(url, {
        headers: { authorization: `Bearer ${await options.feedToken()}` },
        signal: stop.signal,
      });
      if (answer.status !== 200) throw new Error(`feed: ${answer.status} ${await answer.text()}`);
      const now = performance.now();
      const { items, nextCursor } = (await answer.json()) as {
        items: { eventId: string }[];
        nextCursor: string | null;
      };
      let knewOne = false;
      for (const { eventId } of items) {
        if (feedAt.has(eventId)) knewOne = true;
        else feedAt.set(eventId, now);
      }
      if (knewOne || !nextCursor) return;
      cursor = nextCursor;
    }
  };
  const polling = (async () => {
    while (!stop.signal.aborted) {
      const started = performance.now();
      await readFeed();
      await sleep(Math.max(0, FEED_POLL_MS - (performance.now() - started)));
    }
  })().catch(fail);

  // A stream that never says it is connected fails the start instead of hanging it.
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the notification stream did not open in 30 s')),
      30_000,
    );
  });
  try {
    await Promise.race([open, tooLate]);
  } catch (error) {
    stop.abort();
    clearInterval(mailTimer);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    times(ref) {
      const eventId = eventOf.get(ref);
      if (!eventId) return {};
      const mail = mailAt.get(eventId);
      const notification = notifiedAt.get(eventId);
      const feed = feedAt.get(eventId);
      return {
        ...(mail === undefined ? {} : { mail }),
        ...(notification === undefined ? {} : { notification }),
        ...(feed === undefined ? {} : { feed }),
      };
    },
    async close() {
      stop.abort();
      clearInterval(mailTimer);
      await reader.cancel().catch(() => undefined);
      await Promise.all([streaming, polling]);
    },
  };
}
