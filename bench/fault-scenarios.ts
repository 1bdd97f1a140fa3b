/**
 * The stop/restart and sustained-load scenarios of `npm run bench:faults`.
 * Each reports `lost` (acknowledged alerts that never reached the receiver)
 * and `duplicated` (the same notification twice); both must be 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../infra/local/ports.js';
import { startHttpReceiver } from '../test/helpers/http-receiver.js';
import { adminClient, TEST_ADMIN_KEY } from '../test/helpers/local-stack.js';
import { alertKey, batchOfAlerts, countDeliveries, waitForDeliveries } from './fault-counting.js';

const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));
// Taken before any in-process stack writes its settings into process.env, so children start clean.
const BASE_ENV = { ...process.env };
const GROUPING = { groupBy: ['batch'], groupWait: '0s', groupInterval: '1s', repeatInterval: '24h' };

interface Ingest {
  url: string;
  token: string;
}

/** Posts one batch; the alerts count as acknowledged only on a 2xx. */
async function postBatch(ingest: Ingest, batch: string, count: number): Promise<{ status: number; keys: string[] }> {
  const alerts = batchOfAlerts(batch, count);
  try {
    const response = await fetch(ingest.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    return { status: response.status, keys: response.ok ? alerts.map((a) => alertKey(a.labels)) : [] };
  } catch {
    return { status: 0, keys: [] }; // refused or cut: the sender does not know, so it counts as not acknowledged
  }
}

function tally(statuses: Map<number, number>, status: number) {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
}

/** (a) Many clients posting 100-alert batches for a while, with groupWait 0s, to a stack in its own process. */
export async function sustainedLoad(options: { clients: number; seconds: number; perPost: number }) {
  const receiver = await startHttpReceiver();
  const ports = { http: await freePort(), dynamodb: await freePort(), sqs: await freePort() };
  const stack = await StackProcess.start(undefined, ports);
  try {
    const admin = adminClient({ httpUrl: `http://127.0.0.1:${ports.http}` } as never);
    const cluster = await admin.createCluster('acme', 'sustained');
    await admin.putWebhookReceiver('acme', 'target', `${receiver.url}/target`, GROUPING);
    const ingest = { url: `http://127.0.0.1:${ports.http}/ingest/${cluster.id}/alerts`, token: cluster.token };
    const acked = new Set<string>();
    const statuses = new Map<number, number>();
    const ends = Date.now() + options.seconds * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: options.clients }, async (_, client) => {
        for (let n = 0; Date.now() < ends; n++) {
          const { status, keys } = await postBatch(ingest, `c${client}-${n}`, options.perPost);
          tally(statuses, status);
          for (const key of keys) acked.add(key);
          // A sender backs off when told to; 503 carries Retry-After.
          if (status === 503 || status === 429 || status === 0) await new Promise((r) => setTimeout(r, 1000));
        }
      }),
    );
    const postingSeconds = (Date.now() - started) / 1000;
    const drain = await waitForDeliveries(acked, receiver.requests, { quietMs: 5000, timeoutMs: 4 * 60_000 });
    return {
      clients: options.clients,
      seconds: options.seconds,
      alertsAcknowledged: acked.size,
      acknowledgedPerSecond: Math.round(acked.size / postingSeconds),
      answers: Object.fromEntries(statuses),
      drained: drain.drained,
      drainSeconds: drain.seconds,
      ...countDeliveries(acked, receiver.requests),
    };
  } finally {
    await stack.stopAndWait();
    await receiver.close();
  }
}

type StopKind = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

/** `npm start` as a separate process: node with tsx's loader (not npx, whose exit would leave node running). */
class StackProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  dynamodbPid = 0;
  private output = '';

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stdout!.on('data', (chunk) => (this.output = (this.output + chunk).slice(-20_000)));
    child.stderr!.on('data', (chunk) => (this.output = (this.output + chunk).slice(-20_000)));
  }

  static async start(dataDir: string | undefined, ports: { http: number; dynamodb: number; sqs: number }): Promise<StackProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/local/start.ts', ...(dataDir === undefined ? ['--in-memory'] : ['--data-dir', dataDir]), '--port', String(ports.http), '--dynamodb-port', String(ports.dynamodb), '--sqs-port', String(ports.sqs)],
      {
        cwd: PROJECT_ROOT,
        // A group of its own, so SIGINT can go to the whole group as a terminal's Ctrl-C does.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...BASE_ENV,
          TIDINGS_ADMIN_KEY: TEST_ADMIN_KEY,
          TIDINGS_OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
          TIDINGS_INGEST_RATE_LIMIT_PER_MINUTE: '1000000',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );
    const stack = new StackProcess(child);
    const deadline = Date.now() + 60_000;
    while (!/tidings is running/.test(stack.output)) {
      const exited = await Promise.race([stack.exited, new Promise((r) => setTimeout(() => r(undefined), 100))]);
      if (exited !== undefined || Date.now() > deadline) throw new Error(`the stack did not start: ${stack.output.slice(-2000)}`);
    }
    stack.dynamodbPid = Number(/DynamoDB Local, pid (\d+)/.exec(stack.output)![1]);
    return stack;
  }

  /** SIGINT goes to the process group (a terminal's Ctrl-C); the others to node alone. */
  stop(kind: StopKind): void {
    if (kind === 'SIGINT') process.kill(-this.child.pid!, 'SIGINT');
    else process.kill(this.child.pid!, kind);
  }

  /** Stops it (if still running) and waits until node and the JVM are gone. */
  async stopAndWait(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
    await until(() => !pidAlive(this.dynamodbPid), 15_000);
  }

  get log(): string {
    return this.output;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls for a condition with a bound; true when it held in time. */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * (b) 2,000 alerts posted over a few seconds to a stack in a child process,
 * stopped mid-flow (SIGINT to its group, SIGTERM, or kill -9), restarted on
 * the same data directory; posts that were not acknowledged are sent again
 * after the restart, as a sender would.
 */
export async function stopAndRestart(kind: StopKind, options: { alerts: number; perPost: number; postEveryMs: number; stopAfterMs: number }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-fault-restart-'));
  const receiver = await startHttpReceiver();
  const ports = { http: await freePort(), dynamodb: await freePort(), sqs: await freePort() };
  let stack = await StackProcess.start(dataDir, ports);
  try {
    const admin = adminClient({ httpUrl: `http://127.0.0.1:${ports.http}` } as never);
    const cluster = await admin.createCluster('acme', `restart-${kind.toLowerCase()}`);
    await admin.putWebhookReceiver('acme', 'target', `${receiver.url}/target`, GROUPING);
    const ingest = { url: `http://127.0.0.1:${ports.http}/ingest/${cluster.id}/alerts`, token: cluster.token };

    const acked = new Set<string>();
    const ackedAt: number[] = [];
    const statuses = new Map<number, number>();
    const pending: string[] = [];
    const posts: Promise<void>[] = [];
    const batches = Math.ceil(options.alerts / options.perPost);
    const started = Date.now();
    let stoppedAt = 0;
    const stopTimer = new Promise<void>((resolve) =>
      setTimeout(() => {
        stoppedAt = Date.now();
        stack.stop(kind);
        resolve();
      }, options.stopAfterMs),
    );
    for (let b = 0; b < batches; b++) {
      const batch = `${kind}-${b}`;
      posts.push(
        postBatch(ingest, batch, options.perPost).then(({ status, keys }) => {
          tally(statuses, status);
          if (keys.length === 0) pending.push(batch);
          for (const key of keys) {
            acked.add(key);
            ackedAt.push(Date.now());
          }
        }),
      );
      await new Promise((r) => setTimeout(r, options.postEveryMs));
    }
    const exitedAt = stack.exited.then(() => Date.now());
    await Promise.all([...posts, stopTimer]);
    const exit = await stack.exited;
    const stopSeconds = ((await exitedAt) - stoppedAt) / 1000;
    // After kill -9 the watchdog takes the JVM down; wait for it (and the ports) rather than sleep.
    const jvmGone = await until(() => !pidAlive(stack.dynamodbPid), 15_000);
    const portsFree = await until(async () => !(await portOpen(ports.dynamodb)) && !(await portOpen(ports.sqs)) && !(await portOpen(ports.http)), 15_000);
    const ackedBeforeStop = acked.size;
    const ackedInLastSecond = ackedAt.filter((at) => at > stoppedAt - 1000 && at <= stoppedAt).length;

    stack = await StackProcess.start(dataDir, ports);
    for (const batch of pending) {
      const { status, keys } = await postBatch(ingest, batch, options.perPost);
      tally(statuses, status);
      for (const key of keys) acked.add(key);
    }
    const drain = await waitForDeliveries(acked, receiver.requests, { quietMs: 5000, timeoutMs: 3 * 60_000 });
    const counts = countDeliveries(acked, receiver.requests);
    return {
      stop: kind === 'SIGINT' ? 'SIGINT to the process group (terminal Ctrl-C)' : kind === 'SIGTERM' ? 'SIGTERM to node' : 'kill -9 of node',
      alerts: options.alerts,
      stoppedAfterMs: stoppedAt - started,
      exit,
      stopSeconds: Math.round(stopSeconds * 10) / 10,
      jvmGoneAfterStop: jvmGone,
      portsFreeAfterStop: portsFree,
      acknowledgedBeforeStop: ackedBeforeStop,
      acknowledgedInLastSecondBeforeStop: ackedInLastSecond,
      resentAfterRestart: pending.length * options.perPost,
      answers: Object.fromEntries(statuses),
      alertsAcknowledged: acked.size,
      drained: drain.drained,
      drainSeconds: drain.seconds,
      ...counts,
    };
  } finally {
    await stack.stopAndWait();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
