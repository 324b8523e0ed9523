// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** A user-supplied value for one line (a name, a title): control characters become one space. */
export function oneLine(text: string): string {
  return text.replace(controls, ' ').replace(/\s+/g, ' ').trim();
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * A Subject header value: one line (no CR/LF, so nothing can be injected after it) and short
 * enough for a mail client's list view.
 */
export function subjectLine(text: string, max = 200): string {
  return truncate(oneLine(text), max);
}

/** Multi-line user text for the plain-text part: normalised line breaks, other controls dropped. */
export function plainText(text: string): string {
  return (
    text
      .replace(/\r\n|\r/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

/** `2025-03-01T09:00:00.000Z` -> `2025-03-01 09:00 UTC`. */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
