/**
 * The local stack as the end-to-end figures drive it: started in memory on
 * random ports with the SDK clients and pollers instrumented, plus helpers to
 * post Alertmanager webhooks and to watch what a webhook receiver got.
 */
import { performance } from 'node:perf_hooks';
import { dynamoDocumentClient } from '../functions/shared/aws-clients.js';
import { sqs } from '../functions/shared/sqs-client.js';
import type { LocalStack } from '../infra/local/stack.js';
import { startHttpReceiver, type ReceivedRequest } from '../test/helpers/http-receiver.js';
import { adminClient, startTestStack } from '../test/helpers/local-stack.js';
import { AwsRequestCounter, instrumentPollers, type InvocationTiming } from './instrument.js';

export interface Invocation {
  functionName: string;
  records: number;
  failed: number;
}

export interface BenchPipeline {
  stack: LocalStack;
  admin: ReturnType<typeof adminClient>;
  receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
  counter: AwsRequestCounter;
  invocations: Invocation[];
  timings: InvocationTiming[];
  /** SQS-triggered invocations started and not yet finished (to wait for quiet). */
  inFlight(): number;
  /** Time of the last SQS-triggered invocation that ended. */
  lastActivity(): number;
  /** Routes webhook requests to a path's watcher. */
  watch(path: string): WebhookWatcher;
  stop(): Promise<void>;
}

/** What one receiver path got: notifications and the distinct alerts in them, with arrival times. */
export class WebhookWatcher {
  notifications = 0;
  readonly groupKeys = new Set<string>();
  readonly fingerprints = new Set<string>();
  lastNewAlertAt = 0;

  record(request: ReceivedRequest): void {
    const body = request.json() as { groupKey: string; alerts: Array<{ fingerprint: string }> };
    this.notifications++;
    this.groupKeys.add(body.groupKey);
    const before = this.fingerprints.size;
    for (const alert of body.alerts) this.fingerprints.add(alert.fingerprint);
    if (this.fingerprints.size > before) this.lastNewAlertAt = performance.now();
  }
}

export async function startBenchPipeline(): Promise<BenchPipeline> {
  const counter = new AwsRequestCounter();
  const invocations: Invocation[] = [];
  const timings: InvocationTiming[] = [];
  let started = 0;
  let lastActivity = performance.now();
  instrumentPollers(counter, {
    started: () => started++,
    finished: (timing) => timings.push({ ...timing, functionName: shortName(timing.functionName) }),
  });

  const watchers = new Map<string, WebhookWatcher>();
  const receiver = await startHttpReceiver((request) => {
    watchers.get(request.path)?.record(request);
    return { status: 200, body: 'ok' };
  });
  const stack = await startTestStack({
    stage: `bench${process.pid}`,
    // In this process from source: the counters below instrument the handlers' own SDK clients, and the CPU profile sees them.
    isolation: 'none',
    onInvocation: (outcome) => {
      invocations.push({ functionName: shortName(outcome.functionName), records: outcome.records, failed: outcome.failed });
      lastActivity = performance.now();
    },
  });
  // The handlers' clients are per-process singletons; the stack has set the endpoints they read.
  counter.instrumentDynamo(dynamoDocumentClient(), 'handler');
  counter.instrumentSqs(sqs(), 'handler');

  return {
    stack,
    admin: adminClient(stack),
    receiver,
    counter,
    invocations,
    timings,
    // onInvocation comes last (after the poller deleted the batch), so this counts whole invocations.
    inFlight: () => started - invocations.length,
    lastActivity: () => lastActivity,
    watch(path) {
      const watcher = new WebhookWatcher();
      watchers.set(path, watcher);
      return watcher;
    },
    async stop() {
      await stack.stop();
      await receiver.close();
    },
  };
}

/** `tidings-bench123-route` -> `route`. */
function shortName(functionName: string): string {
  return functionName.replace(/^.*-/, '');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done()` holds; throws after the timeout, saying what it waited for. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits until no SQS-triggered invocation ran for `quietMs` (nothing left in the pipeline but delayed timers). */
export async function waitForQuiet(pipeline: BenchPipeline, quietMs = 2500, timeoutMs = 120_000): Promise<void> {
  await waitUntil(() => pipeline.inFlight() === 0 && performance.now() - pipeline.lastActivity() > quietMs, timeoutMs, 'the pipeline to go quiet');
}

/** One alert as Alertmanager's webhook carries it. */
export function webhookAlert(labels: Record<string, string>) {
  return {
    status: 'firing',
    labels,
    annotations: { summary: `${labels.alertname ?? 'alert'} on ${labels.instance ?? 'somewhere'}`, runbook_url: 'https://runbooks.example/alerts' },
    startsAt: '2026-11-25T10:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up+%3D%3D+0',
    fingerprint: '0000000000000000',
  };
}

export interface PostResult {
  status: number;
  latencyMs: number;
  requestBytes: number;
}

/** POSTs alerts as one Alertmanager webhook (version 4) to a cluster's ingest URL. */
export async function postAlerts(
  stack: LocalStack,
  cluster: { id: string; token: string },
  alerts: ReadonlyArray<ReturnType<typeof webhookAlert>>,
): Promise<PostResult> {
  const body = JSON.stringify({
    version: '4',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'tidings',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts,
  });
  const started = performance.now();
  const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, latencyMs: performance.now() - started, requestBytes: Buffer.byteLength(body) };
}

/** Runs `tasks` with at most `concurrency` at a time, in order of start. */
export async function runConcurrently<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}
