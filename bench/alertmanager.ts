/**
 * Figure 7, "the group is the unit": the same alert stream through
 * Prometheus Alertmanager (Debian's prometheus-alertmanager) and through the
 * local stack, one after the other, each with one webhook receiver grouping
 * by alertname with the same timing, both delivering to a webhook receiver
 * in this process. Each system runs as its own process tree, so what is
 * measured is the system and not the load generator: Alertmanager's process,
 * and the stack's Node process (function workers, AWS SDK, fauxqs, local
 * Lambda/API Gateway emulation) with DynamoDB Local's JVM beneath it.
 *
 * The stream: 100 POSTs of 100 alerts, POST k carrying the 100 alerts of
 * alertname k (a group arrives whole), one POST at a time, as Prometheus'
 * notifier sends its batches, each alert's startsAt the moment its POST is
 * sent. Ideally every group is one notification: 100 in all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpuBetween, readTree, totalCpuMs, type TreeReading } from './process-cpu.js';
import type { StackProcessInfo } from './stack-process.js';

/** Short and equal for both systems (Alertmanager's defaults are 30s / 5m / 4h). */
export const COMPARISON_TIMING = { groupWait: '1s', groupInterval: '5s', repeatInterval: '4h' } as const;
const GROUP_INTERVAL_MS = 5000;
const ALERTNAMES = 100;
const ALERTS_PER_POST = 100;
const CONCURRENT_POSTS = 1;
const STREAM_PREFIX = 'StreamAlert';
const WARMUP_ALERTNAME = 'WarmupAlert';
/** Warm-up groups, posted like the stream: enough for every function sandbox the stream uses to exist and run warm code. */
const WARMUP_GROUPS = 10;
/** Bounds on each wait, so a stuck system ends the part instead of the bench. */
const DELIVERY_TIMEOUT_MS = 180_000;
const QUIET_TIMEOUT_MS = 60_000;
/** A run ends once no notification came for a group interval and a second: a later flush would have come by then. */
const QUIET_MS = GROUP_INTERVAL_MS + 1000;
const IDLE_SAMPLE_MS = 3000;
/** Printed by bench/stack-process.ts (not imported: importing it would run it). */
const STACK_READY_PREFIX = 'TIDINGS_STACK_READY ';

export interface SystemRun {
  system: 'alertmanager' | 'tidings';
  /** Alertmanager's version, or how the stack ran its functions. */
  version: string;
  alerts: number;
  posts: number;
  /** POSTs answered with anything but 2xx. */
  failedPosts: number;
  /** First POST sent -> last POST answered. */
  postSeconds: number;
  /** First POST sent -> the last of the stream's alerts first seen at the receiver; undefined if not all arrived. */
  secondsToLastDelivery?: number;
  /** Distinct stream alerts the receiver got (all of them when nothing is lost). */
  alertsDelivered: number;
  /** Stream alerts in all notifications: a group re-sent whole counts its alerts again. */
  alertCopies: number;
  notifications: number;
  groups: number;
  maxNotificationsPerGroup: number;
  /** notification_reason as the webhook body gives it (Alertmanager 0.25 predates the field). */
  reasons: Record<string, number>;
  /** First POST -> end of the quiet period after the last notification: the CPU window. */
  windowSeconds: number;
  /** CPU of the whole process tree over the window (idle work included). */
  cpuMs: number;
  cpuUsPerAlert: number;
  /** By process name (`node`, `java`, `prometheus-alertmanager`, ...), milliseconds over the window. */
  cpuByProcess: Record<string, number>;
  /** The tree's CPU when idle (measured before the stream), milliseconds per second. */
  idleCpuMsPerSecond: number;
}

export interface AlertmanagerComparison {
  /** Why the comparison did not run (Alertmanager missing, ...). */
  skipped?: string;
  timing: typeof COMPARISON_TIMING;
  alertsPerPost: number;
  posts: number;
  concurrentPosts: number;
  alertmanagerBinary?: string;
  /** How the binary was found: on the PATH, or installed by this run. */
  alertmanagerSource?: string;
  alertmanager?: SystemRun;
  tidings?: SystemRun;
}

type Log = (line: string) => void;

export async function measureAlertmanagerComparison(log: Log): Promise<AlertmanagerComparison> {
  const result: AlertmanagerComparison = { timing: COMPARISON_TIMING, alertsPerPost: ALERTS_PER_POST, posts: ALERTNAMES, concurrentPosts: CONCURRENT_POSTS };
  const found = findOrInstallAlertmanager(log);
  if ('missing' in found) {
    log(`  Alertmanager: ${found.missing}; skipping the comparison`);
    return { ...result, skipped: found.missing };
  }
  result.alertmanagerBinary = found.binary;
  result.alertmanagerSource = found.source;
  const version = alertmanagerVersion(found.binary);
  log(`  Alertmanager ${version} (${found.binary}, ${found.source})`);

  const receiver = await startReceiver();
  try {
    const amWatcher = receiver.watch('/alertmanager');
    const am = await startAlertmanager(found.binary, `${receiver.url}/alertmanager`);
    try {
      log(`  Alertmanager on ${am.url}, pid ${am.pid}; posting the stream`);
      result.alertmanager = await runStream(
        { system: 'alertmanager', version, postUrl: `${am.url}/api/v2/alerts`, headers: {}, read: () => readTree(am.pid) },
        amWatcher,
        log,
      );
    } finally {
      await am.stop();
    }

    log('  starting the local stack in a process of its own (DynamoDB Local + fauxqs in memory)');
    const stack = await startStackProcess();
    try {
      const { cluster } = await configureTidings(stack, `${receiver.url}/tidings`);
      log(`  local stack on ${stack.info.httpUrl}, pid ${stack.pid} (functions: isolation ${stack.info.isolation}), JVM pid ${stack.info.dynamodbPid}; posting the stream`);
      result.tidings = await runStream(
        {
          system: 'tidings',
          version: `local stack, isolation ${stack.info.isolation}`,
          postUrl: `${stack.info.httpUrl}/ingest/${cluster.id}/api/v2/alerts`,
          headers: { authorization: `Bearer ${cluster.token}` },
          read: () => readTree(stack.pid),
        },
        receiver.watch('/tidings'),
        log,
      );
    } finally {
      await stack.stop();
    }
  } finally {
    await receiver.close();
  }
  return result;
}

interface StreamTarget {
  system: SystemRun['system'];
  version: string;
  postUrl: string;
  headers: Record<string, string>;
  read: () => TreeReading;
}

/** Warm-up, idle rate, then the measured stream. */
async function runStream(target: StreamTarget, watcher: StreamWatcher, log: Log): Promise<SystemRun> {
  // Warm-up, unmeasured (connections, JIT, function sandboxes): ten groups of 100, and their group_interval passed.
  // The stream then measures the steady state, as a deployment under load runs it; cold starts are figure 3's.
  const warmup = Array.from({ length: WARMUP_GROUPS }, (_, k) => streamPost(`${WARMUP_ALERTNAME}${k}`, k));
  await postAll(target, warmup, CONCURRENT_POSTS);
  await waitFor(() => watcher.warmupAlerts.size >= WARMUP_GROUPS * ALERTS_PER_POST, DELIVERY_TIMEOUT_MS, `${target.system}: the warm-up groups at the receiver`);
  await sleep(QUIET_MS);

  const idleBefore = target.read();
  await sleep(IDLE_SAMPLE_MS);
  const idleCpuMsPerSecond = (totalCpuMs(cpuBetween(idleBefore, target.read())) * 1000) / IDLE_SAMPLE_MS;

  const posts = Array.from({ length: ALERTNAMES }, (_, k) => streamPost(`${STREAM_PREFIX}${String(k).padStart(2, '0')}`, k));
  const alerts = ALERTNAMES * ALERTS_PER_POST;
  const before = target.read();
  const started = performance.now();
  const posting = await postAll(target, posts, CONCURRENT_POSTS);
  const postSeconds = (performance.now() - started) / 1000;
  log(`  ${target.system}: ${posts.length} POSTs answered after ${postSeconds.toFixed(1)} s (${posting.failed} failed)`);
  let allDelivered = true;
  try {
    await waitFor(() => watcher.firstSeen.size >= alerts, DELIVERY_TIMEOUT_MS, `${target.system}: ${alerts} alerts at the receiver`);
  } catch (error) {
    allDelivered = false;
    log(`  ${(error as Error).message}; ${watcher.firstSeen.size} arrived`);
  }
  try {
    await waitFor(() => performance.now() - Math.max(watcher.lastNotificationAt, started) >= QUIET_MS, QUIET_TIMEOUT_MS, `${target.system}: notifications to stop`);
  } catch (error) {
    log(`  ${(error as Error).message}`);
  }
  const spent = cpuBetween(before, target.read());
  const windowSeconds = (performance.now() - started) / 1000;
  const cpuMs = totalCpuMs(spent);
  const cpuByProcess: Record<string, number> = {};
  for (const { name, cpuMs: ms } of spent.values()) cpuByProcess[name] = (cpuByProcess[name] ?? 0) + ms;
  const lastSeen = Math.max(...watcher.firstSeen.values());
  const run: SystemRun = {
    system: target.system,
    version: target.version,
    alerts,
    posts: posts.length,
    failedPosts: posting.failed,
    postSeconds,
    ...(allDelivered ? { secondsToLastDelivery: (lastSeen - started) / 1000 } : {}),
    alertsDelivered: watcher.firstSeen.size,
    alertCopies: watcher.copies,
    notifications: watcher.notifications,
    groups: watcher.perGroup.size,
    maxNotificationsPerGroup: Math.max(0, ...watcher.perGroup.values()),
    reasons: watcher.reasons,
    windowSeconds,
    cpuMs,
    cpuUsPerAlert: (cpuMs * 1000) / alerts,
    cpuByProcess,
    idleCpuMsPerSecond,
  };
  log(
    `  ${target.system}: ${run.alertsDelivered} alerts in ${run.notifications} notifications (${run.alertCopies} copies), last after ${run.secondsToLastDelivery?.toFixed(1) ?? 'never'} s; CPU ${(cpuMs / 1000).toFixed(1)} s = ${run.cpuUsPerAlert.toFixed(0)} µs per alert`,
  );
  return run;
}

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
}

/** One POST's alerts: one alertname, 100 instances. */
function streamPost(alertname: string, k: number): ApiAlert[] {
  return Array.from({ length: ALERTS_PER_POST }, (_, i) => ({
    labels: { alertname, instance: `node-${String(i).padStart(3, '0')}.example:9100`, job: 'node', severity: k % 3 === 0 ? 'critical' : 'warning' },
    annotations: { summary: `${alertname} on node-${i}`, runbook_url: 'https://runbooks.example/alerts' },
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up+%3D%3D+0',
  }));
}

/** POSTs every batch to `POST /api/v2/alerts`, `concurrency` at a time, startsAt stamped as each is sent. */
async function postAll(target: StreamTarget, posts: ApiAlert[][], concurrency: number): Promise<{ failed: number }> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < posts.length) {
        const batch = posts[next++]!;
        const startsAt = new Date().toISOString();
        const response = await fetch(target.postUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...target.headers },
          body: JSON.stringify(batch.map((alert) => ({ ...alert, startsAt }))),
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        if (response.status < 200 || response.status >= 300) failed++;
      }
    }),
  );
  return { failed };
}

/** What one system's webhook got: notifications, and when each stream alert first arrived. */
class StreamWatcher {
  notifications = 0;
  copies = 0;
  lastNotificationAt = 0;
  readonly firstSeen = new Map<string, number>();
  readonly perGroup = new Map<string, number>();
  readonly reasons: Record<string, number> = {};
  readonly warmupAlerts = new Set<string>();

  record(body: WebhookBody, at: number): void {
    const alerts = body.alerts ?? [];
    const identity = (alert: WebhookBody['alerts'][number]) => `${alert.labels.alertname}/${alert.labels.instance}`;
    for (const alert of alerts) if (alert.labels.alertname?.startsWith(WARMUP_ALERTNAME)) this.warmupAlerts.add(identity(alert));
    const stream = alerts.filter((alert) => alert.labels.alertname?.startsWith(STREAM_PREFIX));
    if (stream.length === 0) return;
    this.notifications++;
    this.lastNotificationAt = at;
    const group = body.groupLabels?.alertname ?? body.groupKey ?? 'unknown';
    this.perGroup.set(group, (this.perGroup.get(group) ?? 0) + 1);
    const reason = body.notification_reason ?? '(not in the body)';
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
    for (const alert of stream) {
      this.copies++;
      if (!this.firstSeen.has(identity(alert))) this.firstSeen.set(identity(alert), at);
    }
  }
}

interface WebhookBody {
  groupKey?: string;
  groupLabels?: Record<string, string>;
  notification_reason?: string;
  alerts: Array<{ labels: Record<string, string> }>;
}

/** A loopback webhook receiver; each system posts to a path of its own. */
async function startReceiver() {
  const watchers = new Map<string, StreamWatcher>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      try {
        watchers.get(request.url ?? '')?.record(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody, at);
      } catch {
        // Not a webhook body: answered all the same, nothing counted.
      }
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    watch(path: string) {
      const watcher = new StreamWatcher();
      watchers.set(path, watcher);
      return watcher;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// --- Alertmanager ---

const ALERTMANAGER_NAMES = ['alertmanager', 'prometheus-alertmanager'];

function onPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin'];
  for (const dir of dirs) {
    for (const name of ALERTMANAGER_NAMES) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

/** Finds Alertmanager, or installs Debian's package when this run may (root, not CI). */
function findOrInstallAlertmanager(log: Log): { binary: string; source: string } | { missing: string } {
  const binary = onPath();
  if (binary !== undefined) return { binary, source: 'found on the PATH' };
  const hint = 'install it with `apt-get install prometheus-alertmanager` (Debian)';
  if (process.env.CI === 'true') return { missing: `not on the PATH and CI=true, so not installing; ${hint}` };
  if (process.getuid?.() !== 0) return { missing: `not on the PATH and not running as root; ${hint}` };
  log('  Alertmanager not found: installing Debian\'s prometheus-alertmanager (apt-get)');
  const apt = (args: string[]) =>
    spawnSync('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', timeout: 300_000 });
  let install = apt(['install', '-y', '--no-install-recommends', 'prometheus-alertmanager']);
  if (install.status !== 0) {
    apt(['update']);
    install = apt(['install', '-y', '--no-install-recommends', 'prometheus-alertmanager']);
  }
  const installed = onPath();
  if (install.status !== 0 || installed === undefined) {
    const output = `${install.stdout ?? ''}${install.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
    return { missing: `not on the PATH, and apt-get could not install prometheus-alertmanager (${install.error?.message ?? output}); ${hint}` };
  }
  return { binary: installed, source: 'installed by this run with apt-get' };
}

function alertmanagerVersion(binary: string): string {
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return /version (\S+)/.exec(`${run.stdout}${run.stderr}`)?.[1] ?? 'unknown version';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Children still running when this process exits (any way short of kill -9) are killed with it. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Waits for a child to exit; SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

async function startAlertmanager(binary: string, webhookUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-bench-alertmanager-'));
  const config = [
    'route:',
    '  receiver: stream-hook',
    '  group_by: [alertname]',
    `  group_wait: ${COMPARISON_TIMING.groupWait}`,
    `  group_interval: ${COMPARISON_TIMING.groupInterval}`,
    `  repeat_interval: ${COMPARISON_TIMING.repeatInterval}`,
    'receivers:',
    '  - name: stream-hook',
    '    webhook_configs:',
    `      - url: ${webhookUrl}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // Empty: no gossip, no cluster port.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child.pid!);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async () => {
    await stopChild(child, 5000);
    running.delete(child.pid!);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForAsync(async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined))?.status === 200, 20_000, () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited with code ${child.exitCode}: ${output.slice(-500)}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, url, stop };
}

// --- the local stack ---

async function startStackProcess() {
  const adminKey = randomBytes(16).toString('hex');
  // TIDINGS_BENCH_CPU_PROF_DIR: write V8 CPU profiles of the stack process and its function threads there (for looking into, not for the figures).
  const profileDir = process.env.TIDINGS_BENCH_CPU_PROF_DIR;
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', 'bench/stack-process.ts'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TIDINGS_BENCH_ADMIN_KEY: adminKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  running.add(child.pid!);
  let output = '';
  let info: StackProcessInfo | undefined;
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.startsWith(STACK_READY_PREFIX)) info = JSON.parse(line.slice(STACK_READY_PREFIX.length)) as StackProcessInfo;
      else output = (output + line + '\n').slice(-2000);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output = (output + text).slice(-2000)));
  const stop = async () => {
    // Closing stdin asks for an orderly stop (pollers, workers, fauxqs, then the JVM).
    child.stdin!.end();
    await stopChild(child, 30_000);
    running.delete(child.pid!);
    // Whatever happened above, no JVM of ours stays.
    if (info !== undefined) {
      try {
        process.kill(-info.dynamodbPid, 'SIGKILL');
      } catch {
        // Already gone, as it should be.
      }
    }
  };
  try {
    await waitForAsync(async () => info !== undefined, 300_000, () => {
      if (child.exitCode !== null) throw new Error(`the stack process exited with code ${child.exitCode}: ${output.slice(-800)}`);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid!, info: info!, adminKey, stop };
}

/** One cluster and one global webhook receiver with the comparison's grouping, through the admin API. */
async function configureTidings(stack: { info: StackProcessInfo; adminKey: string }, webhookUrl: string) {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${stack.info.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text || 'null') as unknown;
  };
  const cluster = (await call('POST', '/v1/accounts/compare/clusters', { name: 'stream' })) as { id: string; token: string };
  await call('PUT', '/v1/accounts/compare/receivers/stream-hook', {
    channel: 'webhook',
    settings: { url: webhookUrl },
    grouping: { groupBy: ['alertname'], ...COMPARISON_TIMING },
  });
  return { cluster };
}

// --- waiting ---

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

/** Polls an async check every 100 ms; `failFast` throws to stop early. */
async function waitForAsync(done: () => Promise<boolean>, timeoutMs: number, failFast: () => void): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    failFast();
    if (await done()) return;
    if (performance.now() >= deadline) throw new Error(`timed out after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}
