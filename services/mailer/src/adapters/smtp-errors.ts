import { PermanentFailure, errorMessage } from '@herald/bus';

/** Whether trying again later can help. */
export type SendFailureKind = 'permanent' | 'transient';

/**
 * Classifies a nodemailer error. A 5xx reply is the server's final word (unknown mailbox, policy
 * refusal) and so is nodemailer refusing the message itself before talking to anyone (`command`
 * 'API': an invalid address). 4xx replies, connection errors and timeouts are transient.
 */
export function classifySendError(error: unknown): SendFailureKind {
  if (typeof error !== 'object' || error === null) return 'transient';
  const { responseCode, command } = error as { responseCode?: unknown; command?: unknown };
  if (typeof responseCode === 'number') {
    return responseCode >= 500 && responseCode <= 599 ? 'permanent' : 'transient';
  }
  return command === 'API' ? 'permanent' : 'transient';
}

/** The error a transport rethrows: PermanentFailure (straight to the DLQ) or a retryable Error. */
export function toSendError(error: unknown): Error {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  const prefix = typeof code === 'number' ? `SMTP ${code}` : 'SMTP';
  if (classifySendError(error) === 'permanent') {
    return new PermanentFailure(`${prefix}: ${errorMessage(error)}`);
  }
  return error instanceof Error ? error : new Error(`${prefix}: ${errorMessage(error)}`);
}
