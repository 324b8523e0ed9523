import type { MailRequest } from './mail.js';

/** How urgent a send is: account mail first, then notifications, digests last. */
export type SendPriority = 'critical' | 'bulk' | 'digest';

const rank: Record<SendPriority, number> = { critical: 0, bulk: 1, digest: 2 };

/** Transactional mail (no subscription) is what an account needs to work: it goes first. */
export function priorityOf(request: Pick<MailRequest, 'subscription'>): SendPriority {
  if (!request.subscription) return 'critical';
  return request.subscription.kind === 'digest' ? 'digest' : 'bulk';
}

/**
 * The installation's send budget, shared by every mailer replica: claims one send in the given
 * second (epoch seconds), or answers false when that second's budget is spent.
 */
export interface SendSlots {
  claim(second: number): Promise<boolean>;
}

/** Decides when this replica may hand the next e-mail to SMTP. */
export interface SendGate {
  /** Resolves when one e-mail of this priority may be sent; higher priorities are let through first. */
  acquire(priority: SendPriority): Promise<void>;
  /** The server answered with a throttling reply: hold every send; returns the pause in ms. */
  throttled(): number;
  /** A send went through: the throttling pause starts over from its shortest. */
  sent(): void;
}

export interface SendGateOptions {
  /** The shared budget; undefined sends as fast as SMTP takes it. */
  readonly slots?: SendSlots | undefined;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** First pause after a throttling reply; each one in a row doubles it, up to `maxPauseMs`. */
  readonly firstPauseMs?: number;
  readonly maxPauseMs?: number;
}

interface Waiter {
  readonly rank: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function createSendGate(options: SendGateOptions = {}): SendGate {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const firstPauseMs = options.firstPauseMs ?? 1_000;
  const maxPauseMs = options.maxPauseMs ?? 60_000;
  const waiters: Waiter[] = [];
  let pausedUntil = 0;
  let pauseMs = 0;
  let running = false;

  /** The most urgent waiter, the oldest among equals. */
  const next = (): Waiter => {
    let best = 0;
    for (let i = 1; i < waiters.length; i++) {
      if (waiters[i]!.rank < waiters[best]!.rank) best = i;
    }
    return waiters.splice(best, 1)[0]!;
  };

  // One loop per replica hands out sends one at a time, so the order of waiters is the order of
  // sends and a store round trip per send is the only cost when the budget is not spent.
  const run = async () => {
    if (running) return;
    running = true;
    try {
      while (waiters.length > 0) {
        const paused = pausedUntil - now();
        if (paused > 0) {
          await sleep(paused);
          continue;
        }
        if (options.slots) {
          const second = Math.floor(now() / 1_000);
          let claimed: boolean;
          try {
            claimed = await options.slots.claim(second);
          } catch (error) {
            // The store is the budget: without it no send is allowed, and the handler says why.
            next().reject(error);
            continue;
          }
          if (!claimed) {
            await sleep(Math.max(1, (second + 1) * 1_000 - now()));
            continue;
          }
        }
        next().resolve();
      }
    } finally {
      running = false;
    }
  };

  return {
    acquire(priority) {
      return new Promise<void>((resolve, reject) => {
        waiters.push({ rank: rank[priority], resolve, reject });
        void run();
      });
    },
    throttled() {
      pauseMs = Math.min(maxPauseMs, pauseMs === 0 ? firstPauseMs : pauseMs * 2);
      pausedUntil = Math.max(pausedUntil, now() + pauseMs);
      return pauseMs;
    },
    sent() {
      pauseMs = 0;
    },
  };
}

/** The SMTP server asked us to slow down (421, 454, or an enhanced status 4.7.x). */
export class SendThrottled extends Error {
  override readonly name = 'SendThrottled';
}
