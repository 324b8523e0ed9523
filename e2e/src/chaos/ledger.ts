import type { Db } from 'mongodb';
import type { ReceivedMail } from '@herald/testkit';

/** Expected, found and doubled side effects of one kind. */
export interface Tally {
  readonly effect: string;
  readonly expected: number;
  readonly found: number;
  readonly missing: readonly string[];
  /** Effects that exist more than once (two notifications, two distinct e-mails ...). */
  readonly doubled: readonly string[];
  /** E-mails that arrived again with the same Message-ID (SMTP has no idempotency; see README). */
  readonly resent: number;
}

/** A comment as the API stored it, with the id of the comment.created event it published. */
export interface StoredComment {
  readonly marker: string;
  readonly eventId: string;
}

interface CommentDoc {
  body: string;
  outbox?: { id: string; type: string }[];
}

/** Every comment of the task the API stored: the ground truth for what must have happened. */
export async function storedComments(api: Db, taskId: string): Promise<StoredComment[]> {
  const docs = await api.collection<CommentDoc>('comments').find({ taskId }).toArray();
  return docs.flatMap((doc) => {
    const marker = /chaos-\d{6}/.exec(doc.body)?.[0];
    const event = doc.outbox?.find((e) => e.type === 'comment.created');
    if (!marker || !event) throw new Error(`comment without marker or event: ${doc.body}`);
    return [{ marker, eventId: event.id }];
  });
}

function tally(
  effect: string,
  expected: readonly string[],
  counts: ReadonlyMap<string, number>,
  resent = 0,
): Tally {
  return {
    effect,
    expected: expected.length,
    found: expected.filter((key) => (counts.get(key) ?? 0) > 0).length,
    missing: expected.filter((key) => !counts.has(key)),
    doubled: [...counts].filter(([, n]) => n > 1).map(([key]) => key),
    resent,
  };
}

const countBy = (keys: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
};

/** One notification per mentioned member per comment, in the notifier's store. */
export async function notificationTally(
  notifier: Db,
  comments: readonly StoredComment[],
  mentioned: readonly { id: string; handle: string }[],
): Promise<Tally> {
  const docs = await notifier
    .collection<{ eventId: string; userId: string; kind: string }>('notifications')
    .find({ kind: 'mentioned', eventId: { $in: comments.map((c) => c.eventId) } })
    .toArray();
  const expected = comments.flatMap((c) => mentioned.map((m) => `${c.eventId}/${m.id}`));
  return tally('notifications', expected, countBy(docs.map((d) => `${d.eventId}/${d.userId}`)));
}

/** One feed entry per comment, in the activity service's store. */
export async function feedTally(activity: Db, comments: readonly StoredComment[]): Promise<Tally> {
  const docs = await activity
    .collection<{ eventId: string }>('feed')
    .find({ eventId: { $in: comments.map((c) => c.eventId) } })
    .toArray();
  return tally(
    'activity entries',
    comments.map((c) => c.eventId),
    countBy(docs.map((d) => d.eventId)),
  );
}

/** One e-mail per mentioned member per comment, as it arrived over SMTP. */
export function mailTally(
  mails: readonly ReceivedMail[],
  comments: readonly StoredComment[],
  mentioned: readonly { email: string }[],
): Tally {
  const keyed = mails.flatMap((mail) => {
    const marker = /chaos-\d{6}/.exec(mail.text)?.[0];
    return marker ? mail.to.map((to) => ({ key: `${marker}/${to}`, id: mail.messageId })) : [];
  });
  const distinct = new Map<string, Set<string>>();
  for (const { key, id } of keyed) distinct.set(key, (distinct.get(key) ?? new Set()).add(id));
  const counts = new Map([...distinct].map(([key, ids]) => [key, ids.size]));
  const expected = comments.flatMap((c) => mentioned.map((m) => `${c.marker}/${m.email}`));
  const distinctMails = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return tally('e-mails', expected, counts, keyed.length - distinctMails);
}

/** The ids of the mention notifications of `userId` in the notifier's store: what its streams owe. */
export async function expectedStreamIds(
  notifier: Db,
  comments: readonly StoredComment[],
  userId: string,
): Promise<string[]> {
  const docs = await notifier
    .collection<{ _id: string }>('notifications')
    .find(
      { kind: 'mentioned', userId, eventId: { $in: comments.map((c) => c.eventId) } },
      { projection: { _id: 1 } },
    )
    .toArray();
  return docs.map((d) => d._id);
}

/**
 * One live-stream delivery per notification the stream's user has, over every connection the
 * stream made (one delivered twice across a reconnect counts as doubled).
 */
export function streamTally(
  expected: readonly string[],
  stream: { readonly name: string; readonly received: readonly string[] },
): Tally {
  const owed = new Set(expected);
  return tally(
    `live stream ${stream.name}`,
    expected,
    countBy(stream.received.filter((id) => owed.has(id))),
  );
}
