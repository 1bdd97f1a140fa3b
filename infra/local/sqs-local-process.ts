/**
 * The SQS stand-in in a process of its own: `node --import tsx
 * infra/local/sqs-local-process.ts <port>` prints `ready` once it listens and
 * stops when its parent closes stdin or dies (stdin reaches end of file).
 * The test run uses it so that the stand-in's work on every test's messages
 * does not share an event loop with vitest's own coordination.
 */
import { startSqsLocal } from './sqs-local.js';

const port = Number(process.argv[2]);
const sqs = await startSqsLocal({ port });
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void sqs.stop().finally(() => process.exit(0));
});
