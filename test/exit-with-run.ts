/**
 * Runs in every test worker (a forked process). A worker whose vitest process
 * died (killed, even with -9) would otherwise run its file to the end on its
 * own, with stacks of its own still up; it leaves as soon as the channel to
 * vitest closes, and DynamoDB Local JVMs it started go with it (their
 * watchdogs see this process end).
 */
const flag = Symbol.for('tidings.exitWithRun');
const state = globalThis as unknown as Record<symbol, boolean>;
if (process.connected && !state[flag]) {
  state[flag] = true;
  // Not process.exit: vitest turns that into a reported error inside a worker.
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
