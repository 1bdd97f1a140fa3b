import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one DynamoDB Local and one SQS stand-in; each uses its own stage prefix.
    fileParallelism: true,
    pool: 'forks',
  },
});
