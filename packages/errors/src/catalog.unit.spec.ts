import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { catalogEntries, clientErrorStatuses, errorCatalog } from './catalog.js';
import { docDrift, renderErrorsDoc } from './doc.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docFile = join(root, 'docs/errors.md');

/** Production sources of every workspace, where a code written out by hand would hide. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|typetest)\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('the error catalog', () => {
  it('gives every entry a distinct HERALD_* code and exactly one of status, route or surface', () => {
    const codes = catalogEntries.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const entry of catalogEntries) {
      const answers = ['status', 'route', 'surface'].filter((key) => key in entry);
      expect({ code: entry.code, answers }).toEqual({ code: entry.code, answers: [answers[0]] });
      expect(entry.code).toMatch(/^HERALD_[A-Z_]+$/);
    }
  });

  it('holds every code the sources write out as a string', () => {
    const known = new Set<string>(catalogEntries.map((e) => e.code));
    const written = ['packages', 'services', 'contracts']
      .flatMap((dir) => sources(join(root, dir)))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/['"`](HERALD_[A-Z_]+)['"`]/g)])
      .map((match) => match[1]);
    expect(written.filter((code) => code !== undefined && !known.has(code))).toEqual([]);
  });

  it('lists the 4xx statuses in order with their codes, and leaves 500 out', () => {
    const statuses = clientErrorStatuses();
    expect([...statuses.keys()]).toEqual([400, 401, 403, 404, 409, 410, 413, 415, 429]);
    expect(statuses.get(400)?.map((e) => e.code)).toEqual([
      'HERALD_VALIDATION',
      'HERALD_MALFORMED_REQUEST',
    ]);
  });

  it('makes an AppError with its kind’s code and status', () => {
    const error = new AppError('gone', 'invite used');
    expect(error).toMatchObject({ code: 'HERALD_GONE', status: 410, message: 'invite used' });
    expect(error.status).toBe(errorCatalog.gone.status);
  });
});

describe('docs/errors.md', () => {
  const rendered = renderErrorsDoc();

  it('is what the catalog renders (`npm run errors -- --write` to update it)', () => {
    expect(docDrift(readFileSync(docFile, 'utf8'), rendered)).toBeUndefined();
  });

  it('has a row for every code', () => {
    for (const { code } of catalogEntries) expect(rendered).toContain(`| \`${code}\` |`);
  });

  it('reports a doctored doc at the line that drifted', () => {
    const lines = rendered.split('\n');
    const row = lines.findIndex((line) => line.includes('`HERALD_GONE`'));
    const doctored = [...lines];
    doctored[row] = doctored[row]!.replace('HTTP 410', 'HTTP 400');
    expect(docDrift(doctored.join('\n'), rendered)).toMatch(
      new RegExp(`^line ${row + 1}: found .*HTTP 400.*, expected .*HTTP 410`),
    );
    const missingRow = lines.filter((_, i) => i !== row).join('\n');
    expect(docDrift(missingRow, rendered)).toMatch(new RegExp(`^line ${row + 1}: `));
    expect(docDrift(`${rendered}extra\n`, rendered)).toMatch(/found "extra"/);
  });
});
