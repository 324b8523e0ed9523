// Generates contracts/asyncapi.json from the zod schemas and the services table.
//   npm run asyncapi               write the document (and validate it)
//   npm run asyncapi -- --check    fail if the file on disk drifted from the schemas or is invalid
import { fileURLToPath } from 'node:url';
import { buildAsyncApi } from '../src/asyncapi.js';
import { shownPath, writeOrCheck } from './generated.js';
import { formatFinding, validateAsyncApi } from './validate-asyncapi.js';

const file = fileURLToPath(new URL('../asyncapi.json', import.meta.url));
const shown = shownPath(file);
const check = process.argv.includes('--check');

const rendered = `${JSON.stringify(buildAsyncApi(), null, 2)}\n`;

/** Prints the findings; returns false when any of them is an error. */
async function validate(json: string): Promise<boolean> {
  const findings = await validateAsyncApi(json);
  const errors = findings.filter((f) => f.severity === 'error');
  // Information and hints (such as "3.1.0 exists") are not worth a line on every run.
  const warnings = findings.filter((f) => f.severity === 'warning');
  if (warnings.length > 0) {
    console.warn(
      `${shown}: ${warnings.length} AsyncAPI warning(s):\n${warnings.map(formatFinding).join('\n')}`,
    );
  }
  if (errors.length > 0) {
    console.error(
      `${shown}: ${errors.length} AsyncAPI error(s):\n${errors.map(formatFinding).join('\n')}`,
    );
    return false;
  }
  return true;
}

async function main(): Promise<number> {
  let ok = await writeOrCheck({
    file,
    rendered,
    check,
    source: 'the zod schemas',
    command: 'npm run asyncapi',
  });
  // Validate what the schemas generate, so a drift report and a schema error show up together.
  if (!(await validate(rendered))) ok = false;
  if (ok && check) console.log(`${shown} is up to date and valid AsyncAPI 3.0.0`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
