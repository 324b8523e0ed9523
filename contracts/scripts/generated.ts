// A file generated from the contracts and committed: write it, or fail when it drifted.
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';

/** The first line where the two texts differ (1-based), for a pointed drift message. */
export function firstDifference(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  const index = left.findIndex((line, i) => line !== right[i]);
  return (index === -1 ? left.length : index) + 1;
}

/** The path as the user typed from: npm runs workspace scripts in the workspace, INIT_CWD is theirs. */
export const shownPath = (file: string) =>
  relative(process.env.INIT_CWD ?? process.cwd(), file) || file;

/**
 * With `check`, compares `rendered` with the file on disk and says how to mend a drift; else
 * writes it. Resolves to whether the file is (now) up to date.
 */
export async function writeOrCheck(options: {
  readonly file: string;
  readonly rendered: string;
  readonly check: boolean;
  /** What the file is generated from and the command that writes it, for the messages. */
  readonly source: string;
  readonly command: string;
}): Promise<boolean> {
  const shown = shownPath(options.file);
  if (!options.check) {
    await writeFile(options.file, options.rendered);
    console.log(`wrote ${shown}`);
    return true;
  }
  const onDisk = await readFile(options.file, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  if (onDisk === undefined) {
    console.error(`${shown} is missing: run \`${options.command}\` and commit it.`);
    return false;
  }
  if (onDisk !== options.rendered) {
    console.error(
      `${shown} is out of date with ${options.source} (first difference at line ` +
        `${firstDifference(onDisk, options.rendered)}): run \`${options.command}\` and commit the result.`,
    );
    return false;
  }
  return true;
}
