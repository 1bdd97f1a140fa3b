/**
 * The local stack in a process of its own, for bench/alertmanager.ts: run
 * apart from the load generator and the webhook receiver, its process tree
 * (this Node process with its function workers, fauxqs and the emulation,
 * plus DynamoDB Local's JVM) is exactly what is measured, as Alertmanager's
 * process is on the other side.
 *
 * Prints one `TIDINGS_STACK_READY <json>` line when it is up. Stops the
 * stack on SIGTERM/SIGINT or when its stdin closes (the bench ended in any
 * way), so no JVM outlives the bench.
 */
import { startLocalStack } from '../infra/local/stack.js';

/** bench/alertmanager.ts looks for this prefix (it imports only this file's types: importing it would run it). */
const READY_PREFIX = 'TIDINGS_STACK_READY ';

/** What the bench learns from the ready line. */
export interface StackProcessInfo {
  httpUrl: string;
  dynamodbPid: number;
  isolation: 'worker' | 'none';
}

async function main(): Promise<void> {
  const adminKey = process.env.TIDINGS_BENCH_ADMIN_KEY;
  if (adminKey === undefined || adminKey === '') throw new Error('TIDINGS_BENCH_ADMIN_KEY is not set');
  const isolation = process.env.TIDINGS_BENCH_ISOLATION === 'none' ? 'none' : 'worker';
  const stack = await startLocalStack({
    stage: 'amcompare',
    adminKey,
    // The bench's webhook receiver listens on loopback.
    outboundAllowCidrs: '127.0.0.1/32',
    logLevel: 'ERROR',
    isolation,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stack.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  const info: StackProcessInfo = { httpUrl: stack.httpUrl, dynamodbPid: stack.dynamodbPid, isolation };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(info)}\n`);
}

main().catch((error) => {
  console.error('stack-process:', error);
  process.exit(1);
});
