import { type CatalogEntry, errorCatalog } from './catalog.js';

function outcome(entry: CatalogEntry): string {
  if ('status' in entry) return `HTTP ${entry.status}`;
  if ('route' in entry) return `consumer: ${entry.route}`;
  return entry.surface;
}

/** docs/errors.md, rendered from the catalog: what `npm run errors -- --write` writes. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(errorCatalog).map(
    ([name, entry]: [string, CatalogEntry]) =>
      `| \`${entry.code}\` | \`${name}\` | ${outcome(entry)} | ${entry.description} |`,
  );
  return [
    '# Error codes',
    '',
    '<!-- Generated from packages/errors/src/catalog.ts by `npm run errors -- --write`; do not edit. -->',
    '',
    'Every code Herald gives. HTTP errors answer `{ error: CODE, message }` (400 adds `issues`);',
    'consumer errors are thrown by handlers and decide where the message goes (`retry`: a later',
    'attempt, `defer`: later without counting the attempt, `dead-letter`: the DLQ at once); the rest',
    'reach the operator: a service that will not start, the DLQ tool, the console.',
    '',
    '| code | name | answered as | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Where `onDisk` differs from what the catalog renders: undefined when they agree, else the first
 * differing line (1-based) with both versions of it, for a pointed drift message.
 */
export function docDrift(onDisk: string, rendered = renderErrorsDoc()): string | undefined {
  if (onDisk === rendered) return undefined;
  const left = onDisk.split('\n');
  const right = rendered.split('\n');
  const index = Math.max(
    0,
    right.findIndex((line, i) => line !== left[i]),
  );
  const found = left[index] ?? '(end of file)';
  return `line ${index + 1}: found ${JSON.stringify(found)}, expected ${JSON.stringify(right[index] ?? '(end of file)')}`;
}
