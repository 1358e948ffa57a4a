import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['scripts/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    // The browser test builds the site first when it is missing or stale.
    hookTimeout: 180_000,
  },
});
