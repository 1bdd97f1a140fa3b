import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlert, aNotification, anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, aStage, eventually, startTestStack } from '../helpers/local-stack.js';
import { pipelineIdle } from '../helpers/pipeline-signals.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  // Long enough that all 500 alerts are in their groups before the first flush, even on a busy machine (8 s was not at load average 24).
  await admin.putWebhookReceiver('acme', 'bulk', `${receiver.url}/bulk`, {
    groupBy: ['alertname'],
    groupWait: '20s',
    groupInterval: '1h',
    repeatInterval: '4h',
  });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const postTo = (target: LocalStack, to: { id: string; token: string }, alerts: Array<Record<string, unknown>>) =>
  fetch(`${target.httpUrl}/ingest/${to.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${to.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(anAlertmanagerWebhook(alerts)),
  });
const post = (alerts: Array<Record<string, unknown>>) => postTo(stack, cluster, alerts);

const at = (path: string, marker: string) => receiver.requests.filter((r) => r.path === path && r.body.includes(marker));

describe('aggregation windows on the local stack', () => {
  it('turns 500 alerts in 5 groups, posted concurrently in 10 requests, into exactly 5 notifications', async () => {
    const alerts = Array.from({ length: 500 }, (_, i) =>
      anAlertmanagerAlert({ labels: { alertname: `Bulk${i % 5}`, instance: `node-${i}`, severity: 'warning' } }),
    );
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => post(alerts.slice(i * 50, i * 50 + 50))));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));

    await eventually(() => (at('/bulk', 'Bulk').length >= 5 ? true : undefined), 60_000, '5 notifications');
    // Every queue is drained: nothing is being routed, merged, flushed or delivered any more (the groups' next timers are an hour away).
    await pipelineIdle(stack);

    const notifications = at('/bulk', 'Bulk').map((request) => request.json());
    expect(notifications).toHaveLength(5);
    expect(notifications.map((n) => n.groupLabels.alertname).sort()).toEqual(['Bulk0', 'Bulk1', 'Bulk2', 'Bulk3', 'Bulk4']);
    for (const notification of notifications) {
      expect(notification.alerts).toHaveLength(100);
      expect(notification.groupKey).toMatch(/:\{alertname="Bulk\d"\}$/);
      expect(notification.commonLabels).toMatchObject({ alertname: notification.groupLabels.alertname, severity: 'warning' });
    }
    expect(new Set(notifications.flatMap((n) => n.alerts.map((a: any) => a.labels.instance))).size).toBe(500);
  }, 90_000);

  it('delivers a group too large for one queue message whole, through the spill store', async () => {
    // Long enough that all 1500 alerts are in the group before it flushes, even on a busy machine.
    await admin.putWebhookReceiver('acme', 'huge', `${receiver.url}/huge`, { groupBy: ['alertname'], groupWait: '15s', groupInterval: '1h' });
    const alerts = Array.from({ length: 1500 }, (_, i) =>
      anAlertmanagerAlert({ labels: { alertname: 'HugeGroup', instance: `node-${i}` }, annotations: { description: 'x'.repeat(300) } }),
    );
    const responses = await Promise.all([0, 500, 1000].map((i) => post(alerts.slice(i, i + 500))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const [notification] = await eventually(
      () => (at('/huge', 'HugeGroup').length > 0 ? at('/huge', 'HugeGroup').map((r) => r.json()) : undefined),
      60_000,
      'the large notification',
    );
    expect(notification.alerts).toHaveLength(1500);
    expect(notification.truncatedAlerts).toBe(0);
  }, 90_000);
});

describe('a notification the delivery queue delivers more than once', () => {
  it('is sent once', async () => {
    // A stack of its own, so that the deliver invocations counted are this test's only.
    let handled = 0;
    const own = await startTestStack({
      stage: aStage(),
      onInvocation: (outcome) => {
        if (outcome.functionName.endsWith('-deliver')) handled += outcome.records;
      },
    });
    const sqs = new SQSClient({ endpoint: own.sqsEndpoint, region: 'us-east-1' });
    try {
      const ownAdmin = adminClient(own);
      await ownAdmin.putWebhookReceiver('acme', 'once', `${receiver.url}/once`);
      const body = JSON.stringify(aNotification({ id: 'twice-delivered', receiver: { accountId: 'acme', name: 'once' }, alerts: [anAlert({ labels: { alertname: 'TwiceQueued' } })] }));
      const send = (ids: string[]) =>
        sqs.send(new SendMessageBatchCommand({ QueueUrl: own.resources.get('DeliveryQueue')!.ref, Entries: ids.map((Id) => ({ Id, MessageBody: body })) }));

      // Two copies at once (workers race for the claim), then one more after the send is done.
      await send(['a', 'b']);
      await eventually(() => (at('/once', 'TwiceQueued').length >= 1 ? true : undefined), 20_000, 'the first send');
      await send(['c']);
      // Every copy has been through deliver: a copy that lost the race waits out the claim's lease, and then finds it done.
      await eventually(() => (handled >= 3 ? true : undefined), 20_000, 'deliver to handle all three copies');

      expect(at('/once', 'TwiceQueued')).toHaveLength(1);
      const records = (await ownAdmin.history('acme', '?limit=100')).items.filter((i: any) => i.notificationId === 'twice-delivered');
      expect(records.map((i: any) => i.status)).toEqual(['sent']);
    } finally {
      sqs.destroy();
      await own.stop();
    }
  });
});

describe('a group over its lifetime', () => {
  it('notifies, repeats after repeat_interval, and sends the resolution, then stops', async () => {
    // A stack of its own: "stops" is proven by its groups queue running empty, which other tests' timers would prevent.
    const timing = await startTestStack({ stage: aStage() });
    try {
      const timingAdmin = adminClient(timing);
      const timingCluster = await timingAdmin.createCluster('acme', 'prod-eu');
      await timingAdmin.putWebhookReceiver('acme', 'timing', `${receiver.url}/timing`, {
        groupBy: ['alertname'],
        groupWait: '0s',
        groupInterval: '1s',
        repeatInterval: '3s',
        sendResolved: true,
      });
      const firing = anAlertmanagerAlert({ labels: { alertname: 'Timed', instance: 'a' } });
      expect((await postTo(timing, timingCluster, [firing])).status).toBe(200);
      await eventually(() => (at('/timing', 'Timed').length >= 2 ? true : undefined), 20_000, 'the repeat');
      const [first, repeat] = at('/timing', 'Timed').map((request) => request.json());
      expect(first.status).toBe('firing');
      expect(repeat.status).toBe('firing');
      expect(repeat.alerts.map((a: any) => a.fingerprint)).toEqual(first.alerts.map((a: any) => a.fingerprint));

      expect((await postTo(timing, timingCluster, [{ ...firing, status: 'resolved', endsAt: new Date().toISOString() }])).status).toBe(200);
      const resolved = await eventually(
        () => at('/timing', 'Timed').map((r) => r.json()).find((n) => n.status === 'resolved'),
        20_000,
        'the resolved notification',
      );
      expect(resolved.alerts[0].status).toBe('resolved');
      // The group is over: no timer is left anywhere (not even delayed), so nothing more can be sent.
      await pipelineIdle(timing, { delayed: ['GroupsQueue', 'DeliveryQueue'] });
      const notifications = at('/timing', 'Timed').map((r) => r.json());
      expect(notifications.at(-1).status).toBe('resolved');
      expect(notifications.filter((n) => n.status === 'resolved')).toHaveLength(1);
    } finally {
      await timing.stop();
    }
  });
});
