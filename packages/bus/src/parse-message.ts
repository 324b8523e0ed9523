import { ContractViolation, parseEvent, type Event } from '@herald/contracts';
import { errorMessage } from './errors.js';

/** The catalog event a message body holds, or why it holds none (too large, not JSON, off contract). */
export function parseMessage(content: Buffer, maxBytes: number): Event | string {
  if (content.length > maxBytes) {
    return `message of ${content.length} bytes is over the ${maxBytes}-byte limit`;
  }
  try {
    return parseEvent(JSON.parse(content.toString('utf8')) as unknown);
  } catch (error) {
    return error instanceof ContractViolation
      ? error.message
      : `invalid JSON: ${errorMessage(error)}`;
  }
}
