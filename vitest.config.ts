import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Vitest rather than jest: jest 30 cannot load this app's graph on Node 20 (CommonJS packages
// such as @nestjs/throttler `require` the ESM-only NestJS 12). SWC adds the decorator metadata
// Nest's dependency injection needs, which esbuild (Vitest's default transform) does not.
const swcPlugin = swc.vite({ module: { type: 'es6' } });

export default defineConfig({
  plugins: [swcPlugin],
  test: {
    globals: true,
    pool: 'forks',
    projects: [
      {
        plugins: [swcPlugin],
        test: {
          name: 'unit',
          globals: true,
          sequence: { groupOrder: 0 },
          include: ['src/**/*.spec.ts'],
        },
      },
      {
        // The dashboard's own logic (URL state, formats); its pages are tested in a real browser
        // by test/dashboard.e2e-spec.ts.
        test: {
          name: 'dashboard',
          globals: true,
          sequence: { groupOrder: 0 },
          include: ['dashboard/src/**/*.test.ts'],
        },
      },
      {
        plugins: [swcPlugin],
        test: {
          name: 'e2e',
          globals: true,
          sequence: { groupOrder: 1 },
          include: ['test/**/*.e2e-spec.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each e2e file gets its own database (a copy of the migrated template).
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
