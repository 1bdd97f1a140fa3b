import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One DynamoDB Local and one SQS stand-in for the whole run; each file's stack names its tables and queues with a stage of its own.
    globalSetup: ['test/global-setup.ts'],
    // A worker leaves when vitest dies, so a killed run leaves nothing behind.
    setupFiles: ['test/exit-with-run.ts', 'test/load-lazy-modules.ts'],
    pool: 'forks',
    fileParallelism: true,
    // Integration files spend their time waiting on the pipeline, not on the CPU: four at once on two cores.
    maxWorkers: 4,
    minWorkers: 1,
    // The SDK's notice that it will need Node 22 from 2027; Lambda runs nodejs22.x already.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
