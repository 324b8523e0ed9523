// The boundaries the design holds by (docs: /work/shared/STYLE.md), as lint rules: a service never
// imports another; domain and handler files load no driver; a workspace imports only what its
// package.json declares. scripts/lint-boundaries.unit.spec.ts proves each rule fires on its fixture.
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';

const builtins = new Set(builtinModules);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const isBare = (specifier) =>
  !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:');

/** The service a path lies in (`…/services/<name>/…`), if any. */
function serviceOf(path) {
  const parts = path.split(sep);
  const at = parts.lastIndexOf('services');
  return at >= 0 && at + 1 < parts.length - 1 ? parts[at + 1] : undefined;
}

/** Calls `check(node, specifier)` for every static import, re-export and literal dynamic import. */
function eachImport(check) {
  const visit = (node) => {
    if (node.source && typeof node.source.value === 'string') check(node.source, node.source.value);
  };
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

const noCrossServiceImport = {
  meta: {
    type: 'problem',
    docs: { description: 'A service imports no other service: they talk through events only.' },
    schema: [],
    messages: {
      crossService:
        'services/{{from}} imports services/{{to}} ({{specifier}}): services talk through events; share code through a package.',
    },
  },
  create(context) {
    const from = serviceOf(context.filename);
    if (!from) return {};
    return eachImport((node, specifier) => {
      const to = specifier.startsWith('.')
        ? serviceOf(resolve(dirname(context.filename), specifier))
        : specifier.startsWith('@herald/') && servicesOf(context.filename).has(specifier.slice(8))
          ? specifier.slice(8)
          : undefined;
      if (to && to !== from) {
        context.report({ node, messageId: 'crossService', data: { from, to, specifier } });
      }
    });
  },
};

/** The services beside the file's own (`…/services/*`), read from the folder names once. */
const serviceSets = new Map();
function servicesOf(path) {
  const parts = path.split(sep);
  const root = parts.slice(0, parts.lastIndexOf('services') + 1).join(sep);
  if (!serviceSets.has(root)) serviceSets.set(root, new Set(readdirSync(root)));
  return serviceSets.get(root);
}

/** The nearest package.json above `file`, with the names it declares. */
const manifests = new Map();
function manifestOf(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (manifests.has(dir)) return manifests.get(dir);
    let text;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      if (dirname(dir) === dir) return undefined;
      continue;
    }
    const pkg = JSON.parse(text);
    const declared = new Set([
      pkg.name,
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.devDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ]);
    const manifest = { path: join(dir, 'package.json'), declared };
    manifests.set(dir, manifest);
    return manifest;
  }
}

const noUndeclaredDependency = {
  meta: {
    type: 'problem',
    docs: { description: 'A workspace imports only the packages its package.json declares.' },
    schema: [
      {
        type: 'object',
        properties: { toolchain: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      undeclared: '{{name}} is imported but not declared in {{manifest}}.',
    },
  },
  create(context) {
    // The repository root's devDependencies (vitest, typescript): one toolchain for every workspace.
    const toolchain = new Set(context.options[0]?.toolchain ?? []);
    const manifest = manifestOf(context.filename);
    if (!manifest) return {};
    return eachImport((node, specifier) => {
      if (!isBare(specifier) || builtins.has(specifier)) return;
      const name = packageName(specifier);
      if (manifest.declared.has(name) || toolchain.has(name)) return;
      context.report({ node, messageId: 'undeclared', data: { name, manifest: manifest.path } });
    });
  },
};

export const plugin = { rules: { noCrossServiceImport, noUndeclaredDependency } };

/** Drivers: the I/O that lives in adapters, never in domain or handler files. */
export const drivers = ['mongodb', 'amqplib', 'nodemailer', 'fastify', 'pino'];
/** Herald packages whose entry points load a driver: domain and handlers may import their types. */
export const driverPackages = ['@herald/runtime', '@herald/store', '@herald/bus'];

/** The boundary rules, for eslint.config.js and for the fixture spec. */
export function boundaries({ toolchain }) {
  return [
    {
      files: ['**/*.ts', '**/*.js'],
      plugins: { herald: plugin },
      rules: { 'herald/noCrossServiceImport': 'error' },
    },
    {
      // Every workspace; the root's own scripts run with the root's node_modules.
      files: ['{**/packages,**/services}/*/**/*.{ts,js}', '{contracts,e2e,bench}/**/*.{ts,js}'],
      rules: { 'herald/noUndeclaredDependency': ['error', { toolchain }] },
    },
    {
      files: ['**/services/*/src/domain/**/*.ts', '**/services/*/src/handlers/**/*.ts'],
      // Specs beside them wire real adapters on purpose.
      ignores: ['**/*.spec.ts'],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            paths: [
              ...drivers.map((name) => ({
                name,
                message: `domain and handler files load no driver (${name}): receive a port instead.`,
              })),
              ...driverPackages.map((name) => ({
                name,
                allowTypeImports: true,
                message: `${name} loads drivers: import its types only, errors from @herald/errors, handler helpers from @herald/store/handlers.`,
              })),
            ],
            patterns: [
              {
                group: [...drivers.map((name) => `${name}/*`), '@fastify/*'],
                message: 'domain and handler files load no driver: receive a port instead.',
              },
            ],
          },
        ],
      },
    },
  ];
}
