import { createHash } from 'node:crypto';

/** Fixed namespace for slot ids (a UUID v4 minted once for Herald). */
const slotNamespace = Buffer.from('5b0c8a4e2f1d4c7a9e3b6d1f0a2c4e68', 'hex');

/**
 * The event id of one schedule firing: a name-based UUID (v5) of (schedule, slot time). Any replica
 * that fires the same slot produces the same id, so consumers' dedupe absorbs a double fire.
 */
export function slotEventId(schedule: string, slot: Date): string {
  const hash = createHash('sha1')
    .update(slotNamespace)
    .update(`${schedule}@${slot.toISOString()}`)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
