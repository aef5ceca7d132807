import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-database.ts', 'test/support/global-inbox-ui.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: two test files at a time keeps the shared database responsive.
    maxWorkers: 2,
  },
});
