import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundaries } from './eslint/boundaries.js';

const fixtures = fileURLToPath(new URL('./eslint/fixtures/', import.meta.url));

/** `file:line rule: message` for every problem, sorted, paths relative to the fixtures. */
type Finding = string;
let findings: Finding[];

beforeAll(async () => {
  // Only the boundary rules, without type information: the fixtures belong to no tsconfig, and
  // one instance linting only them keeps this fast.
  const eslint = new ESLint({
    cwd: fixtures,
    overrideConfigFile: true,
    ignore: false,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { '@typescript-eslint': tseslint.plugin },
      },
      ...boundaries({ toolchain: [] }),
    ],
  });
  const results = await eslint.lintFiles(['**/*.ts']);
  findings = results
    .flatMap((result) =>
      result.messages.map(
        (m) => `${result.filePath.slice(fixtures.length)}:${m.line} ${m.ruleId}: ${m.message}`,
      ),
    )
    .sort();
});

const of = (file: string) => findings.filter((f) => f.startsWith(`${file}:`));

describe('the boundary lint rules, on deliberate violations', () => {
  it('stop a domain file loading a driver or the HTTP runtime, but not importing its types', () => {
    expect(of('services/api/src/domain/loads-drivers.ts')).toEqual([
      expect.stringMatching(
        /:2 @typescript-eslint\/no-restricted-imports: .*domain and handler files load no driver \(mongodb\)/,
      ),
      expect.stringMatching(
        /:3 @typescript-eslint\/no-restricted-imports: .*domain and handler files load no driver: receive a port/,
      ),
      expect.stringMatching(
        /:4 @typescript-eslint\/no-restricted-imports: .*@herald\/runtime loads drivers/,
      ),
    ]);
  });

  it('stop a handler file taking a value from the bus barrel', () => {
    expect(of('services/api/src/handlers/loads-bus.ts')).toEqual([
      expect.stringMatching(
        /:2 @typescript-eslint\/no-restricted-imports: .*@herald\/bus loads drivers/,
      ),
    ]);
  });

  it('stop a service importing another, by package name or by relative path', () => {
    expect(of('services/api/src/routes/cross-service.ts')).toEqual([
      expect.stringMatching(
        /:2 herald\/noCrossServiceImport: services\/api imports services\/notifier \(@herald\/notifier\)/,
      ),
      expect.stringMatching(
        /:3 herald\/noCrossServiceImport: services\/api imports services\/notifier \(\.\.\/\.\.\/\.\.\/notifier/,
      ),
    ]);
  });

  it('stop a package importing what its package.json does not declare', () => {
    expect(of('packages/widget/src/index.ts')).toEqual([
      expect.stringMatching(
        /:5 herald\/noUndeclaredDependency: jose is imported but not declared in .*widget\/package\.json/,
      ),
    ]);
  });

  it('leave correct code alone', () => {
    expect(of('services/api/src/domain/clean.ts')).toEqual([]);
    expect(of('services/notifier/src/handlers.ts')).toEqual([]);
    expect(findings).toHaveLength(7);
  });
});
