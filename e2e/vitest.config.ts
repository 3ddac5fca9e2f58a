import { defineConfig } from 'vitest/config';

/** End-to-end tests: Sen started as a user would start it, driven in Chromium. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['src/**/*.e2e.ts'],
    globalSetup: ['src/global-setup.ts'],
    reporters: ['default', '../packages/cli/src/testing/summary-reporter.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
