// Runs the certs (and sen keys / sen cert) tests alone, without the server's database global setup (`npx vitest run --config packages/certs/vitest.config.ts`).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['packages/certs/src/**/*.test.ts', 'packages/cli/src/commands/{keys,cert}.test.ts'], root: new URL('../..', import.meta.url).pathname, pool: 'forks', testTimeout: 120_000 },
});
