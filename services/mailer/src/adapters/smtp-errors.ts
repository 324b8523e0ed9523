import { PermanentFailure, errorMessage } from '@herald/bus';
import { SendThrottled } from '../domain/send-gate.js';

/** Whether trying again later can help, and whether the server asked us to slow down. */
export type SendFailureKind = 'permanent' | 'transient' | 'throttled';

/** Replies providers send when a sender goes too fast (SES: 454 Throttling failure; 4.7.x: policy). */
const throttleCodes = new Set([421, 454]);
const throttleStatus = /\b4\.7\.\d{1,3}\b/;

/**
 * Classifies a nodemailer error. A 5xx reply is the server's final word (unknown mailbox, policy
 * refusal) and so is nodemailer refusing the message itself before talking to anyone (`command`
 * 'API': an invalid address). A throttling reply (421, 454, 4.7.x) asks to slow down; other 4xx
 * replies, connection errors and timeouts are transient.
 */
export function classifySendError(error: unknown): SendFailureKind {
  if (typeof error !== 'object' || error === null) return 'transient';
  const { responseCode, command, response } = error as {
    responseCode?: unknown;
    command?: unknown;
    response?: unknown;
  };
  if (typeof responseCode === 'number' && responseCode >= 400 && responseCode <= 499) {
    const throttling =
      throttleCodes.has(responseCode) ||
      (typeof response === 'string' && throttleStatus.test(response));
    if (throttling) return 'throttled';
  }
  if (typeof responseCode === 'number') {
    return responseCode >= 500 && responseCode <= 599 ? 'permanent' : 'transient';
  }
  return command === 'API' ? 'permanent' : 'transient';
}

/**
 * The error a transport rethrows: PermanentFailure (straight to the DLQ), SendThrottled (back off,
 * no attempt spent) or a retryable Error.
 */
export function toSendError(error: unknown): Error {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  const prefix = typeof code === 'number' ? `SMTP ${code}` : 'SMTP';
  const kind = classifySendError(error);
  if (kind === 'permanent') return new PermanentFailure(`${prefix}: ${errorMessage(error)}`);
  if (kind === 'throttled') return new SendThrottled(`${prefix}: ${errorMessage(error)}`);
  return error instanceof Error ? error : new Error(`${prefix}: ${errorMessage(error)}`);
}
