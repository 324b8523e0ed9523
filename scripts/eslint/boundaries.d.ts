import type { ESLint, Linter } from 'eslint';

export const plugin: ESLint.Plugin;
export const drivers: readonly string[];
export const driverPackages: readonly string[];
/** The boundary rules; `toolchain` names the packages every workspace may import undeclared. */
export function boundaries(options: { readonly toolchain: readonly string[] }): Linter.Config[];
