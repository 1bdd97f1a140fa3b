/**
 * Figure 2: what one alert costs in AWS requests through the whole pipeline,
 * for a realistic mix, and the dollars per million alerts at list prices.
 *
 * The mix: 10,000 alerts in 100 groups (alertname), for 10 global webhook
 * receivers grouping by alertname (group_wait 30s as Alertmanager's
 * default, group_interval 1m instead of 5m so the run stays short). Tenants do not exist yet, so the "2
 * tenants" are two namespaces the alerts alternate between, and all 10
 * receivers are global. Each group arrives in two POSTs of 50 alerts, as an
 * upstream Alertmanager sends a group and later its additions: 200 POSTs.
 */
import { performance } from 'node:perf_hooks';
import { findDynamoDbLocalPid, ownCpuMs, processCpuMs } from './cpu.js';
import { startFunctionCpuProfile, type FunctionCpu, type InvocationSpan } from './function-cpu.js';
import { PRICES } from './prices.js';
import { postAlerts, runConcurrently, waitForQuiet, waitUntil, webhookAlert, type BenchPipeline, type PostResult, type WebhookWatcher } from './pipeline.js';

export interface RequestCountResult {
  alerts: number;
  posts: number;
  groups: number;
  receivers: number;
  notifications: number;
  /** Distinct (receiver, alert) pairs delivered; receivers × alerts when nothing is lost. */
  alertsDelivered: number;
  seconds: number;
  /** Requests per alert by `<service> <source> <command>`; SQS as billed (64 KB chunks), DynamoDB as request units. */
  perAlert: Record<string, number>;
  totalsPerAlert: { sqsRequests: number; dynamodbReadUnits: number; dynamodbWriteUnits: number; lambdaInvocations: number; httpRequests: number };
  lambda: Record<string, { invocations: number; records: number; meanDurationMs: number; billedGbSeconds: number }>;
  /** Idle polling by the event source mappings during the run; a cost per hour of running, not per alert. */
  emptyReceives: number;
  costPerMillionAlerts: { sqs: number; lambdaRequests: number; lambdaDuration: number; dynamodb: number; apiGateway: number; total: number };
  /** CPU milliseconds per alert over the same run: per function (see bench/function-cpu.ts), the whole process, DynamoDB Local. */
  cpuMsPerAlert: {
    functions: FunctionCpu['functions'];
    outsideInvocations: number;
    other: FunctionCpu['other'];
    wholeProcess: number;
    dynamodbLocal: number;
  };
}

const GROUPS = 100;
const ALERTS_PER_GROUP = 100;
const RECEIVERS = 10;
const POSTS_PER_GROUP = 2;

export async function measureRequestCounts(pipeline: BenchPipeline, log: (line: string) => void): Promise<RequestCountResult> {
  const account = 'mix';
  const cluster = await pipeline.admin.createCluster(account, 'mix-prod');
  const watchers: WebhookWatcher[] = [];
  for (let r = 0; r < RECEIVERS; r++) {
    const path = `/mix/r${r}`;
    await pipeline.admin.putWebhookReceiver(account, `receiver-${r}`, `${pipeline.receiver.url}${path}`, {
      groupBy: ['alertname'],
      groupWait: '30s',
      // Alertmanager's default is 5m; 1m bounds the run when a group's second half arrives after its first notification.
      groupInterval: '1m',
      repeatInterval: '4h',
    });
    watchers.push(pipeline.watch(path));
  }
  const alerts = GROUPS * ALERTS_PER_GROUP;
  const perPost = ALERTS_PER_GROUP / POSTS_PER_GROUP;
  // Post k carries half of group k % 100: first halves of all groups, then second halves.
  const posts = Array.from({ length: GROUPS * POSTS_PER_GROUP }, (_, k) => {
    const group = k % GROUPS;
    const half = Math.floor(k / GROUPS);
    return Array.from({ length: perPost }, (_, i) =>
      webhookAlert({
        alertname: `KubePodNotReady${group}`,
        namespace: group % 2 === 0 ? 'team-a-shop' : 'team-b-payments',
        severity: group % 3 === 0 ? 'critical' : 'warning',
        pod: `pod-${group}-${half * perPost + i}`,
        service: `svc-${group % 17}`,
      }),
    );
  });

  await waitForQuiet(pipeline, 1500);
  pipeline.counter.reset();
  const firstInvocation = pipeline.invocations.length;
  const firstTiming = pipeline.timings.length;
  log(`  posting ${alerts} alerts in ${posts.length} POSTs; receivers wait group_wait 30s`);
  const javaPid = findDynamoDbLocalPid() ?? pipeline.stack.dynamodbPid;
  const profile = await startFunctionCpuProfile();
  const cpuBefore = ownCpuMs();
  const javaBefore = processCpuMs(javaPid);
  // Ingest runs behind the local HTTP gateway: its span is the client's request (an upper bound).
  const ingestSpans: InvocationSpan[] = [];
  const started = performance.now();
  const answers: PostResult[] = await runConcurrently(posts.length, 4, async (index) => {
    const start = performance.now();
    const answer = await postAlerts(pipeline.stack, cluster, posts[index]!);
    ingestSpans.push({ functionName: 'ingest', start, end: start + answer.latencyMs });
    return answer;
  });
  // Any 2xx: ingest answers Alertmanager's webhook 200 and other formats 202, both meaning queued.
  if (answers.some((answer) => answer.status < 200 || answer.status >= 300)) throw new Error('an ingest POST failed');
  log(`  ingest answered all POSTs after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await waitUntil(
    () => watchers.every((watcher) => watcher.groupKeys.size >= GROUPS && watcher.fingerprints.size >= alerts),
    240_000,
    `${alerts} alerts in ${GROUPS} groups at each of ${RECEIVERS} receivers`,
  );
  const seconds = (performance.now() - started) / 1000;
  log(`  every alert of all ${GROUPS * RECEIVERS} groups notified after ${seconds.toFixed(1)} s; waiting for the pipeline to go quiet`);
  await waitForQuiet(pipeline, 3000);
  const cpuWhole = ownCpuMs() - cpuBefore;
  const cpuJava = processCpuMs(javaPid) - javaBefore;

  const invocations = pipeline.invocations.slice(firstInvocation);
  const timings = pipeline.timings.slice(firstTiming);
  const functionCpu = await profile.stop([
    ...ingestSpans,
    ...timings.map((timing) => ({ functionName: timing.functionName, start: timing.startedAt, end: timing.startedAt + timing.durationMs })),
  ]);
  const perAlert: Record<string, number> = {};
  let sqsRequests = 0;
  let readUnits = 0;
  let writeUnits = 0;
  let emptyReceives = 0;
  for (const [key, tally] of pipeline.counter.tallies) {
    const [service, source, command] = key.split(':') as [string, string, string];
    const name = `${service} ${source} ${command.replace('Command', '')}`;
    if (service === 'sqs') {
      // Empty receives are idle polling: they depend on how long queues sit empty, not on alerts.
      const billed = tally.billedRequests - tally.emptyReceives;
      emptyReceives += tally.emptyReceives;
      perAlert[name] = billed / alerts;
      sqsRequests += billed;
    } else {
      perAlert[`${name} (requests)`] = tally.requests / alerts;
      perAlert[`${name} (RRU + WRU)`] = (tally.readUnits + tally.writeUnits) / alerts;
      readUnits += tally.readUnits;
      writeUnits += tally.writeUnits;
    }
  }

  const lambda: RequestCountResult['lambda'] = {};
  const durations = [
    ...timings.map((timing) => ({ functionName: timing.functionName, durationMs: timing.durationMs, records: timing.records })),
    // HTTP functions are timed by the client: an upper bound (it includes the local gateway and the loopback round trip).
    ...answers.map((answer) => ({ functionName: 'ingest', durationMs: answer.latencyMs, records: 1 })),
  ];
  for (const { functionName, durationMs, records } of durations) {
    const entry = (lambda[functionName] ??= { invocations: 0, records: 0, meanDurationMs: 0, billedGbSeconds: 0 });
    entry.invocations++;
    entry.records += records;
    entry.meanDurationMs += durationMs;
    entry.billedGbSeconds += (Math.ceil(durationMs) / 1000) * PRICES.lambdaMemoryGb;
  }
  for (const entry of Object.values(lambda)) entry.meanDurationMs /= entry.invocations;
  const sqsInvocations = invocations.length;
  if (sqsInvocations !== timings.length) log(`  note: ${sqsInvocations} invocations reported, ${timings.length} timed`);

  const lambdaInvocations = sqsInvocations + answers.length;
  const gbSeconds = Object.values(lambda).reduce((sum, entry) => sum + entry.billedGbSeconds, 0);
  const httpBilled = answers.reduce((sum, answer) => sum + Math.max(1, Math.ceil(answer.requestBytes / PRICES.httpApiBytesPerBilledRequest)), 0);
  const perMillion = 1_000_000 / alerts;
  const cost = {
    sqs: (sqsRequests / 1e6) * PRICES.sqsPerMillionRequests * perMillion,
    lambdaRequests: (lambdaInvocations / 1e6) * PRICES.lambdaPerMillionRequests * perMillion,
    lambdaDuration: gbSeconds * PRICES.lambdaArmPerGbSecond * perMillion,
    dynamodb: ((readUnits / 1e6) * PRICES.dynamodbPerMillionReadUnits + (writeUnits / 1e6) * PRICES.dynamodbPerMillionWriteUnits) * perMillion,
    apiGateway: (httpBilled / 1e6) * PRICES.httpApiPerMillionRequests * perMillion,
    total: 0,
  };
  cost.total = cost.sqs + cost.lambdaRequests + cost.lambdaDuration + cost.dynamodb + cost.apiGateway;

  return {
    alerts,
    posts: posts.length,
    groups: GROUPS,
    receivers: RECEIVERS,
    notifications: watchers.reduce((sum, watcher) => sum + watcher.notifications, 0),
    alertsDelivered: watchers.reduce((sum, watcher) => sum + watcher.fingerprints.size, 0),
    seconds,
    perAlert,
    totalsPerAlert: {
      sqsRequests: sqsRequests / alerts,
      dynamodbReadUnits: readUnits / alerts,
      dynamodbWriteUnits: writeUnits / alerts,
      lambdaInvocations: lambdaInvocations / alerts,
      httpRequests: answers.length / alerts,
    },
    lambda,
    emptyReceives,
    costPerMillionAlerts: cost,
    cpuMsPerAlert: {
      functions: Object.fromEntries(
        Object.entries(functionCpu.functions).map(([name, { direct, byTime }]) => [name, { direct: direct / alerts, byTime: byTime / alerts }]),
      ),
      outsideInvocations: functionCpu.outsideInvocations / alerts,
      other: Object.fromEntries(Object.entries(functionCpu.other).map(([name, ms]) => [name, ms / alerts])) as FunctionCpu['other'],
      wholeProcess: cpuWhole / alerts,
      dynamodbLocal: cpuJava / alerts,
    },
  };
}
