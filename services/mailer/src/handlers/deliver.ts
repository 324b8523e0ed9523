import { Deferred, PermanentFailure, errorMessage } from '@herald/errors';
import type { Event } from '@herald/contracts';
import type { MailRequest } from '../domain/mail.js';
import { messageIdFor, normalizeAddress, sentKey } from '../domain/message-id.js';
import type { MailerPorts } from '../domain/ports.js';
import { SendThrottled, priorityOf } from '../domain/send-gate.js';
import { unsubscribeHeaders } from '../domain/unsubscribe.js';
import { oneLine } from '../templates/text.js';

/** One request per address: a recipient listed twice gets one e-mail. */
function distinct(requests: readonly MailRequest[]): MailRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const address = normalizeAddress(r.to.email);
    if (seen.has(address)) return false;
    seen.add(address);
    return true;
  });
}

/**
 * Sends an event's e-mails, one recipient at a time, skipping every recipient the sent-log already
 * has, so a redelivery after a partial send mails only those still missing. The check and the send
 * are not atomic: it relies on running inside the event's processed-events claim (`subscribeOnce`),
 * so no other delivery of the same event, on any replica, checks the sent-log meanwhile.
 *
 * A transient failure (server down, 4xx, timeout) stops at once and rethrows: the event is retried
 * later and the recipients done so far are not mailed again. A permanent refusal of one address
 * does not hold back the others: they are sent, then a PermanentFailure names the refused ones.
 *
 * Every send waits for the send gate (the installation's rate, critical mail first). A throttling
 * reply pauses the gate and defers the event without spending an attempt.
 *
 * A non-transactional e-mail (one with a subscription) is skipped when its user turned that kind's
 * e-mail off, and carries the one-click unsubscribe headers; a transactional one is always sent.
 */
export async function deliver(
  event: Pick<Event, 'id' | 'type'>,
  requests: readonly MailRequest[],
  ports: MailerPorts,
): Promise<void> {
  const refused: string[] = [];
  const wanted = distinct(requests);
  for (const { to, content, subscription } of wanted) {
    const key = sentKey(event.id, to.email);
    if (await ports.sentLog.has(key)) continue;
    if (
      subscription &&
      !(await ports.preferences.of(subscription.userId)).email[subscription.kind]
    ) {
      ports.log('e-mail skipped: the user turned this kind off', {
        eventId: event.id,
        eventType: event.type,
        userId: subscription.userId,
        kind: subscription.kind,
      });
      continue;
    }
    const messageId = messageIdFor(event.id, to.email);
    await ports.gate.acquire(priorityOf({ subscription }));
    try {
      await ports.transport.send({
        from: ports.from,
        to:
          to.name === undefined ? { email: to.email } : { email: to.email, name: oneLine(to.name) },
        ...content,
        messageId,
        headers: {
          'Auto-Submitted': 'auto-generated',
          'X-Herald-Event-Id': event.id,
          'X-Herald-Event-Type': event.type,
          ...(subscription ? unsubscribeHeaders(subscription, ports.unsubscribe) : {}),
        },
      });
    } catch (error) {
      if (error instanceof SendThrottled) {
        // Slowing down is not failing: the event comes back after the pause as the same attempt.
        throw new Deferred(error.message, ports.gate.throttled());
      }
      if (!(error instanceof PermanentFailure)) throw error;
      refused.push(`${to.email}: ${error.message}`);
      continue;
    }
    ports.gate.sent();
    await ports.sentLog.record({
      key,
      eventId: event.id,
      eventType: event.type,
      recipient: normalizeAddress(to.email),
      messageId,
      sentAt: ports.now(),
    });
  }
  if (refused.length > 0) {
    throw new PermanentFailure(
      `${refused.length} of ${wanted.length} recipient(s) refused: ${refused.join('; ')}`,
    );
  }
}

/** Rendering failed on the event's own data (e.g. an unusable link): retrying cannot help. */
export function renderOrFail<T>(what: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    throw new PermanentFailure(`${what}: ${errorMessage(error)}`);
  }
}
