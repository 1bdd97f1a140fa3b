import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one DynamoDB Local and one SQS stand-in; each uses its own stage prefix.
    fileParallelism: true,
    pool: 'forks',
    // The SDK's notice that it will need Node 22 from 2027; Lambda runs nodejs22.x already.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
