// Renders docs/errors.md from the error catalog.
//   npm run errors               fail if docs/errors.md drifted from the catalog
//   npm run errors -- --write    write it
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docDrift, renderErrorsDoc } from '../src/doc.js';

const file = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));
// npm runs workspace scripts in the workspace; INIT_CWD is where the user typed the command.
const shown = relative(process.env.INIT_CWD ?? process.cwd(), file) || file;
const rendered = renderErrorsDoc();

if (process.argv.includes('--write')) {
  await writeFile(file, rendered);
  console.log(`wrote ${shown}`);
} else {
  const onDisk = await readFile(file, 'utf8').catch(() => '');
  const drift = docDrift(onDisk, rendered);
  if (drift) {
    console.error(
      `${shown} is out of date with the catalog (${drift}): run \`npm run errors -- --write\`.`,
    );
    process.exitCode = 1;
  } else {
    console.log(`${shown} is up to date`);
  }
}
