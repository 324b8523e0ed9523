// Generates contracts/asyncapi.json from the zod schemas and the services table.
//   npm run asyncapi               write the document (and validate it)
//   npm run asyncapi -- --check    fail if the file on disk drifted from the schemas or is invalid
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsyncApi } from '../src/asyncapi.js';
import { formatFinding, validateAsyncApi } from './validate-asyncapi.js';

const file = fileURLToPath(new URL('../asyncapi.json', import.meta.url));
// npm runs workspace scripts in the workspace; INIT_CWD is where the user typed the command.
const shown = relative(process.env.INIT_CWD ?? process.cwd(), file) || file;
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

/** The first line where the two texts differ (1-based), for a pointed drift message. */
function firstDifference(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  const index = left.findIndex((line, i) => line !== right[i]);
  return (index === -1 ? left.length : index) + 1;
}

async function main(): Promise<number> {
  if (!check) {
    await writeFile(file, rendered);
    console.log(`wrote ${shown}`);
    return (await validate(rendered)) ? 0 : 1;
  }
  const onDisk = await readFile(file, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  let ok = true;
  if (onDisk === undefined) {
    console.error(`${shown} is missing: run \`npm run asyncapi\` and commit it.`);
    ok = false;
  } else if (onDisk !== rendered) {
    console.error(
      `${shown} is out of date with the zod schemas (first difference at line ` +
        `${firstDifference(onDisk, rendered)}): run \`npm run asyncapi\` and commit the result.`,
    );
    ok = false;
  }
  // Validate what the schemas generate, so a drift report and a schema error show up together.
  if (!(await validate(rendered))) ok = false;
  if (ok) console.log(`${shown} is up to date and valid AsyncAPI 3.0.0`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
