/**
 * `npm run bench:faults`: 10,000 alerts through the whole local pipeline with
 * faults injected, counting what arrived: every group must arrive exactly
 * once and every alert must be in it (lost = 0, duplicated = 0). Then the
 * scenarios of bench/fault-scenarios.ts: sustained load, and a stack stopped
 * mid-flow (SIGINT, SIGTERM, kill -9) and restarted on the same data.
 * FAULT_SCENARIOS (comma-separated: injected, sustained, restart) picks some.
 *
 * Faults: every ingest POST is sent twice (senders resend); the receiver
 * answers 503 to 20% of calls and 429 (Retry-After: 1) to 5%; and 10% of the
 * messages tidings sends to the delivery queue are duplicated at the SQS
 * client, as an at-least-once queue may deliver them twice.
 */
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { writeFileSync, mkdirSync } from 'node:fs';
import { startTestStack, adminClient } from '../test/helpers/local-stack.js';
import { startHttpReceiver } from '../test/helpers/http-receiver.js';
import { sqs } from '../functions/shared/sqs-client.js';
import { stopAndRestart, sustainedLoad } from './fault-scenarios.js';

const ALERTS = Number(process.env.FAULT_ALERTS ?? 10_000);
const SCENARIOS = new Set((process.env.FAULT_SCENARIOS ?? 'injected,sustained,restart').split(','));
const GROUPS = 100;
const PER_POST = 100;

let seed = 42;
/** Deterministic randomness, so a run can be repeated. */
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

/** Duplicated posts, a failing receiver and duplicated queue messages, all at once. */
async function injectedFaults() {
  const receiver = await startHttpReceiver(() => {
    const roll = random();
    if (roll < 0.2) return { status: 503, body: 'injected failure' };
    if (roll < 0.25) return { status: 429, headers: { 'retry-after': '1' } };
    return { status: 200 };
  });
  // In this process from source (isolation 'none'): duplicates are injected at the handlers' own SQS client.
  const stack = await startTestStack({ env: { TIDINGS_DELIVERY_RETRY_BASE_SECONDS: '1' }, pollerConcurrency: 2, isolation: 'none' });
  const started = Date.now();
  try {
    let duplicatedSends = 0;
    const deliveryUrl = stack.resources.get('DeliveryQueue')!.ref;
    // Duplicate a tenth of the notifications tidings queues for delivery, at the SQS client.
    sqs().middlewareStack.add(
      (next) => async (args) => {
        // Every command passes here; only a SendMessageBatch to the delivery queue is changed.
        const input = args.input as { QueueUrl?: string; Entries?: SendMessageBatchRequestEntry[] };
        if (input.QueueUrl === deliveryUrl && Array.isArray(input.Entries)) {
          const copies = input.Entries.filter(() => random() < 0.1).map((entry, i) => ({ ...entry, Id: `dup${i}` }));
          duplicatedSends += copies.length;
          if (copies.length > 0 && input.Entries.length + copies.length <= 10) input.Entries = [...input.Entries, ...copies];
        }
        return next(args);
      },
      { step: 'initialize', name: 'inject-duplicates' },
    );

    const admin = adminClient(stack);
    const cluster = await admin.createCluster('acme', 'faulty');
    await admin.putWebhookReceiver('acme', 'target', `${receiver.url}/target`, { groupBy: ['alertname'], groupWait: '5s', groupInterval: '5s', repeatInterval: '24h' });

    const posts: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < ALERTS; i += PER_POST) {
      posts.push(
        Array.from({ length: Math.min(PER_POST, ALERTS - i) }, (_, j) => ({ labels: { alertname: `Group${(i + j) % GROUPS}`, instance: `i-${i + j}` } })),
      );
    }
    let accepted = 0;
    for (let i = 0; i < posts.length; i += 10) {
      const batch = posts.slice(i, i + 10);
      const responses = await Promise.all(
        [...batch, ...batch].map((alerts) =>
          fetch(`${stack.httpUrl}/ingest/${cluster.id}/alerts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
            body: JSON.stringify(alerts),
          }),
        ),
      );
      for (const r of responses) if (r.ok) accepted += ((await r.json()) as { accepted: number }).accepted;
    }
    console.log(`posted ${ALERTS} alerts twice (${accepted} accepted) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Only answers of 200 count as delivered; the others are the injected faults.
    const okRequests = () => receiver.requests.filter((r) => r.path === '/target' && r.status === 200);
    const deadline = Date.now() + 8 * 60_000;
    let quietSince = Date.now();
    let last = 0;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      const count = okRequests().length;
      if (count !== last) {
        last = count;
        quietSince = Date.now();
      }
      const seen = new Set(okRequests().flatMap((r) => r.json().alerts.map((a: { fingerprint: string }) => a.fingerprint)));
      if (seen.size >= ALERTS && Date.now() - quietSince > 10_000) break;
    }

    const notifications = okRequests().map((r) => r.json());
    // A group notifies again when alerts join it ("new alerts added"), repeating the ones it had; the same
    // group with the same alerts twice (repeat_interval is 24 h here) can only be a duplicate.
    const contents = new Map<string, number>();
    const groups = new Set<string>();
    const fingerprints = new Set<string>();
    for (const n of notifications) {
      groups.add(n.groupKey);
      const key = `${n.groupKey} ${n.alerts.map((a: { fingerprint: string }) => a.fingerprint).sort().join(',')}`;
      contents.set(key, (contents.get(key) ?? 0) + 1);
      for (const a of n.alerts) fingerprints.add(a.fingerprint);
    }
    const duplicated = [...contents.values()].reduce((sum, count) => sum + (count - 1), 0);
    const result = {
      alerts: ALERTS,
      postsSentTwice: posts.length,
      injected: {
        receiverFailures: receiver.requests.filter((r) => r.status !== 200).length,
        duplicatedDeliveryMessages: duplicatedSends,
      },
      notificationsDelivered: notifications.length,
      groups: groups.size,
      alertsDelivered: fingerprints.size,
      duplicatedNotifications: duplicated,
      lostAlerts: ALERTS - fingerprints.size,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    return result;
  } finally {
    sqs().middlewareStack.remove('inject-duplicates');
    await stack.stop();
    await receiver.close();
  }
}

const results: Record<string, unknown> = {};
const save = () => {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/faults.json', JSON.stringify(results, null, 2) + '\n');
};
if (SCENARIOS.has('injected')) {
  results.injectedFaults = await injectedFaults();
  save();
}
if (SCENARIOS.has('sustained')) {
  results.sustainedLoad = await sustainedLoad({
    clients: Number(process.env.FAULT_CLIENTS ?? 20),
    seconds: Number(process.env.FAULT_SUSTAIN_SECONDS ?? 30),
    perPost: 100,
  });
  console.log(JSON.stringify(results.sustainedLoad, null, 2));
  save();
}
if (SCENARIOS.has('restart')) {
  const restarts: Record<string, unknown> = {};
  results.stopAndRestart = restarts;
  for (const kind of (process.env.FAULT_RESTART_STOPS ?? 'SIGINT,SIGTERM,SIGKILL').split(',') as Array<'SIGINT' | 'SIGTERM' | 'SIGKILL'>) {
    restarts[kind] = await stopAndRestart(kind, {
      alerts: Number(process.env.FAULT_RESTART_ALERTS ?? 2000),
      perPost: 100,
      postEveryMs: 200,
      stopAfterMs: 2500,
    });
    console.log(JSON.stringify(restarts[kind], null, 2));
    save();
  }
}
