/**
 * Figure 1: alerts per second from ingest POST to webhook received, and where
 * the CPU went meanwhile. Each batch size gets its own account, so its
 * receiver sees only its alerts. The receiver groups by every label (`...`)
 * with group_wait 0s: each alert is its own group, so exactly one
 * notification per alert is expected, the worst case for aggregate and deliver.
 */
import { performance } from 'node:perf_hooks';
import { findDynamoDbLocalPid, ownCpuMs, processCpuMs, startCpuProfile, type CpuCategory } from './cpu.js';
import { postAlerts, runConcurrently, sleep, waitForQuiet, waitUntil, webhookAlert, type BenchPipeline } from './pipeline.js';

export interface ThroughputRow {
  alertsPerPost: number;
  posts: number;
  alerts: number;
  /** Alerts / seconds from the first POST to the last new alert at the receiver. */
  alertsPerSecond: number;
  /** Alerts / seconds until every POST was answered 202. */
  ingestAlertsPerSecond: number;
  seconds: number;
  notifications: number;
  /** CPU milliseconds per alert, by category (profiler samples of this process). */
  cpuMsPerAlert: Record<CpuCategory, number>;
  /** This process, all threads (process.cpuUsage), per alert. */
  processCpuMsPerAlert: number;
  /** DynamoDB Local's java process (/proc/<pid>/stat), per alert. */
  dynamodbCpuMsPerAlert: number;
}

const CONCURRENT_POSTS = 4;

export async function measureThroughput(
  pipeline: BenchPipeline,
  sizes: ReadonlyArray<{ alertsPerPost: number; posts: number }>,
  log: (line: string) => void,
): Promise<ThroughputRow[]> {
  const javaPid = findDynamoDbLocalPid();
  if (javaPid === undefined) throw new Error('cannot find the DynamoDB Local java process');

  // Warm-up, unmeasured: JIT in both Node and the JVM, connection pools, the receiver cache.
  await runOnce(pipeline, 'warmup', 20, 10);
  // DynamoDB Local burns some CPU when idle (JVM housekeeping); measure that rate and take it out of the figures.
  await waitForQuiet(pipeline, 1000);
  const idleStart = processCpuMs(javaPid);
  const idleStarted = performance.now();
  await sleep(2000);
  const javaIdlePerMs = (processCpuMs(javaPid) - idleStart) / (performance.now() - idleStarted);

  const rows: ThroughputRow[] = [];
  for (const { alertsPerPost, posts } of sizes) {
    const alerts = alertsPerPost * posts;
    log(`  ${posts} POSTs of ${alertsPerPost} alert(s) (${alerts} alerts)`);
    const profile = await startCpuProfile();
    const cpuBefore = ownCpuMs();
    const javaBefore = processCpuMs(javaPid);
    const measuredFrom = performance.now();
    const run = await runOnce(pipeline, `tput${alertsPerPost}`, alertsPerPost, posts);
    const javaCpu = Math.max(0, processCpuMs(javaPid) - javaBefore - javaIdlePerMs * (performance.now() - measuredFrom));
    const cpu = ownCpuMs() - cpuBefore;
    const categories = await profile.stop();
    rows.push({
      alertsPerPost,
      posts,
      alerts,
      alertsPerSecond: alerts / run.seconds,
      ingestAlertsPerSecond: alerts / run.ingestSeconds,
      seconds: run.seconds,
      notifications: run.notifications,
      cpuMsPerAlert: Object.fromEntries(Object.entries(categories).map(([name, ms]) => [name, ms / alerts])) as Record<CpuCategory, number>,
      processCpuMsPerAlert: cpu / alerts,
      dynamodbCpuMsPerAlert: javaCpu / alerts,
    });
  }
  return rows;
}

async function runOnce(pipeline: BenchPipeline, account: string, alertsPerPost: number, posts: number) {
  const cluster = await pipeline.admin.createCluster(account, `${account}-cluster`);
  const path = `/${account}`;
  await pipeline.admin.putWebhookReceiver(account, 'all-alerts', `${pipeline.receiver.url}${path}`, {
    groupBy: ['...'],
    groupWait: '0s',
    groupInterval: '1s',
    repeatInterval: '1h',
  });
  const watcher = pipeline.watch(path);
  const total = alertsPerPost * posts;
  const batches = Array.from({ length: posts }, (_, post) =>
    Array.from({ length: alertsPerPost }, (_, i) => {
      const n = post * alertsPerPost + i;
      return webhookAlert({ alertname: `Bench${n % 10}`, severity: 'warning', namespace: `ns-${n % 7}`, instance: `host-${n}:9100`, job: 'node' });
    }),
  );

  const started = performance.now();
  const answers = await runConcurrently(posts, CONCURRENT_POSTS, (index) => postAlerts(pipeline.stack, cluster, batches[index]!));
  const ingestSeconds = (performance.now() - started) / 1000;
  const failed = answers.filter((answer) => answer.status < 200 || answer.status > 299);
  if (failed.length > 0) throw new Error(`${failed.length} ingest POSTs failed (first: ${failed[0]!.status})`);
  await waitUntil(() => watcher.fingerprints.size >= total, 180_000, `${total} alerts at the receiver`);
  return { seconds: (watcher.lastNewAlertAt - started) / 1000, ingestSeconds, notifications: watcher.notifications };
}
