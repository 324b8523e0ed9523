/** A workspace as the API stores it. Members live in their own records (see membership.ts). */
export interface Workspace {
  readonly id: string;
  readonly name: string;
  /** Prefix of its task keys: `WS` gives `WS-1`, `WS-2`, ... */
  readonly key: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

/** Task key prefixes are 2-5 capital letters. */
export const keyPattern = /^[A-Z]{2,5}$/;

const fallbackKey = 'TASK';

/**
 * A task key prefix from a workspace name: the initials of its words ("Web Site" -> "WS"), or the
 * first three letters of a single word ("Herald" -> "HER"). When the prefix is in `taken` (the
 * creator's other workspaces), more letters of the name are added, then A-Z, so a person's
 * workspaces rarely share one; a clash is harmless because task numbers are per workspace.
 */
export function deriveTaskKey(name: string, taken: ReadonlySet<string> = new Set()): string {
  const words = letterWords(name);
  const first = words[0];
  if (!first) return fallbackKey;
  const base =
    words.length > 1
      ? words
          .slice(0, 5)
          .map((word) => word[0])
          .join('')
      : first.slice(0, 3);
  const padded = base.padEnd(2, base);
  const rest =
    words.length > 1 ? words.map((word) => word.slice(1)).join('') : first.slice(base.length);
  const candidates = [padded];
  for (let extra = 1; padded.length + extra <= 5 && extra <= rest.length; extra++) {
    candidates.push(padded + rest.slice(0, extra));
  }
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') candidates.push(padded.slice(0, 4) + letter);
  return candidates.find((candidate) => !taken.has(candidate)) ?? padded;
}

/** Upper-case runs of A-Z after folding accents: "Café Olé 2" -> ["CAFE", "OLE"]. */
function letterWords(name: string): string[] {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter((word) => word.length > 0);
}
