import { defineConfig } from 'vitest/config';

// Tiers live in file names: *.unit.spec.ts need nothing; *.int.spec.ts and *.e2e.spec.ts talk to
// the real RabbitMQ and MongoDB-wire store that scripts/test.sh brings up.
const shared = {
  resolve: { conditions: ['@herald/source'] },
  ssr: { resolve: { conditions: ['@herald/source'] } },
};

export default defineConfig({
  ...shared,
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['**/src/**/*.unit.spec.ts', 'scripts/*.unit.spec.ts'],
          exclude: ['**/node_modules/**'],
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['**/*.int.spec.ts', '**/*.e2e.spec.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...shared,
        // Tests that take the broker or the store away: never in parallel with anything else.
        test: {
          name: 'disruptive',
          include: ['**/*.disruptive.spec.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...shared,
        // The fault and load suite (npm run test:chaos): restarts the broker and the store.
        test: {
          name: 'chaos',
          include: ['**/*.chaos.spec.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
