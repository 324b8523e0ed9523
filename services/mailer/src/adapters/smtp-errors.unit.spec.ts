import { describe, expect, it } from 'vitest';
import { PermanentFailure } from '@herald/bus';
import { SendThrottled } from '../domain/send-gate.js';
import { classifySendError, toSendError } from './smtp-errors.js';

/** Shaped like nodemailer's errors (smtp-connection `_formatError`). */
function smtpError(fields: {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}) {
  return Object.assign(new Error(`${fields.code ?? 'E'} failure`), fields);
}

describe('classifySendError', () => {
  it.each([
    [
      '550 mailbox unavailable at RCPT TO',
      { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' },
    ],
    ['554 transaction failed at DATA', { code: 'EMESSAGE', responseCode: 554, command: 'DATA' }],
    ['535 authentication failed', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }],
    ['an address nodemailer itself refuses', { code: 'EENVELOPE', command: 'API' }],
  ])('%s is permanent', (_what, fields) => {
    expect(classifySendError(smtpError(fields))).toBe('permanent');
  });

  it.each([
    ['451 temporary local problem', { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO' }],
    ['452 insufficient storage', { code: 'EMESSAGE', responseCode: 452, command: 'DATA' }],
    ['a connection refused', { code: 'ESOCKET', command: 'CONN' }],
    ['a connection timeout', { code: 'ETIMEDOUT', command: 'CONN' }],
    ['a greeting timeout', { code: 'ETIMEDOUT', command: 'CONN' }],
    ['a socket error mid-send', { code: 'ESOCKET' }],
  ])('%s is transient', (_what, fields) => {
    expect(classifySendError(smtpError(fields))).toBe('transient');
  });

  it.each([
    ['421 service not available', { code: 'EPROTOCOL', responseCode: 421, command: 'CONN' }],
    [
      "SES's 454 Throttling failure",
      {
        responseCode: 454,
        command: 'MAIL FROM',
        response: '454 Throttling failure: Maximum sending rate exceeded.',
      },
    ],
    [
      'a 451 with the 4.7.x policy status',
      {
        responseCode: 451,
        command: 'RCPT TO',
        response: '451 4.7.1 Please try again later (rate limited)',
      },
    ],
  ])('%s asks us to slow down', (_what, fields) => {
    expect(classifySendError(smtpError(fields))).toBe('throttled');
  });

  it('reads 4.7.x only in a 4xx reply, and a 5.7.x as permanent', () => {
    const fields = { responseCode: 550, response: '550 5.7.1 relaying denied, see 4.7.1' };
    expect(classifySendError(smtpError(fields))).toBe('permanent');
  });

  it('treats something that is not an error object as transient', () => {
    expect(classifySendError('boom')).toBe('transient');
    expect(classifySendError(undefined)).toBe('transient');
  });
});

describe('toSendError', () => {
  it('turns a throttling reply into SendThrottled, which spends no attempt', () => {
    const error = toSendError(smtpError({ responseCode: 454, response: '454 Throttling failure' }));
    expect(error).toBeInstanceOf(SendThrottled);
    expect(error.message).toMatch(/^SMTP 454: /);
  });

  it('turns a 5xx into a PermanentFailure that names the code', () => {
    const error = toSendError(smtpError({ responseCode: 550, command: 'RCPT TO' }));
    expect(error).toBeInstanceOf(PermanentFailure);
    expect(error.message).toMatch(/^SMTP 550: /);
  });

  it('passes a transient error through unchanged, so the consumer retries it', () => {
    const original = smtpError({ code: 'ETIMEDOUT', command: 'CONN' });
    const error = toSendError(original);
    expect(error).toBe(original);
    expect(error).not.toBeInstanceOf(PermanentFailure);
  });

  it('wraps a non-Error throw in an Error', () => {
    expect(toSendError('boom')).toBeInstanceOf(Error);
  });
});
