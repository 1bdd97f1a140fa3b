import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { aNotification, anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  await admin.putWebhookReceiver('acme', 'bulk', `${receiver.url}/bulk`, {
    groupBy: ['alertname'],
    groupWait: '4s',
    groupInterval: '1h',
    repeatInterval: '4h',
  });
  await admin.putWebhookReceiver('acme', 'timing', `${receiver.url}/timing`, {
    groupBy: ['alertname'],
    groupWait: '0s',
    groupInterval: '1s',
    repeatInterval: '3s',
    sendResolved: true,
  });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const post = (alerts: Array<Record<string, unknown>>) =>
  fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(anAlertmanagerWebhook(alerts)),
  });

const at = (path: string, marker: string) => receiver.requests.filter((r) => r.path === path && r.body.includes(marker));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('aggregation windows on the local stack', () => {
  it('turns 500 alerts in 5 groups, posted concurrently in 10 requests, into exactly 5 notifications', async () => {
    const alerts = Array.from({ length: 500 }, (_, i) =>
      anAlertmanagerAlert({ labels: { alertname: `Bulk${i % 5}`, instance: `node-${i}`, severity: 'warning' } }),
    );
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => post(alerts.slice(i * 50, i * 50 + 50))));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));

    await eventually(() => (at('/bulk', 'Bulk').length >= 5 ? true : undefined), 30_000, '5 notifications');
    await sleep(3000);

    const notifications = at('/bulk', 'Bulk').map((request) => request.json());
    expect(notifications).toHaveLength(5);
    expect(notifications.map((n) => n.groupLabels.alertname).sort()).toEqual(['Bulk0', 'Bulk1', 'Bulk2', 'Bulk3', 'Bulk4']);
    for (const notification of notifications) {
      expect(notification.alerts).toHaveLength(100);
      expect(notification.groupKey).toMatch(/:\{alertname="Bulk\d"\}$/);
      expect(notification.commonLabels).toMatchObject({ alertname: notification.groupLabels.alertname, severity: 'warning' });
    }
  });

  it('notifies, repeats after repeat_interval, and sends the resolution, then stops', async () => {
    const firing = anAlertmanagerAlert({ labels: { alertname: 'Timed', instance: 'a' } });
    await post([firing]);
    await eventually(() => (at('/timing', 'Timed').length >= 2 ? true : undefined), 15_000, 'the repeat');
    const [first, repeat] = at('/timing', 'Timed').map((request) => request.json());
    expect(first.status).toBe('firing');
    expect(repeat.status).toBe('firing');
    expect(repeat.alerts.map((a: any) => a.fingerprint)).toEqual(first.alerts.map((a: any) => a.fingerprint));

    await post([{ ...firing, status: 'resolved', endsAt: new Date().toISOString() }]);
    const resolved = await eventually(
      () => at('/timing', 'Timed').map((r) => r.json()).find((n) => n.status === 'resolved'),
      15_000,
      'the resolved notification',
    );
    expect(resolved.alerts[0].status).toBe('resolved');
    const count = at('/timing', 'Timed').length;
    await sleep(4000);
    expect(at('/timing', 'Timed').length).toBe(count);
  });

  it('delivers a group too large for one queue message whole, through the spill store', async () => {
    await admin.putWebhookReceiver('acme', 'huge', `${receiver.url}/huge`, { groupBy: ['alertname'], groupWait: '2s', groupInterval: '1h' });
    const alerts = Array.from({ length: 1500 }, (_, i) =>
      anAlertmanagerAlert({ labels: { alertname: 'HugeGroup', instance: `node-${i}` }, annotations: { description: 'x'.repeat(300) } }),
    );
    for (let i = 0; i < alerts.length; i += 500) expect((await post(alerts.slice(i, i + 500))).status).toBe(202);
    const [notification] = await eventually(
      () => (at('/huge', 'HugeGroup').length > 0 ? at('/huge', 'HugeGroup').map((r) => r.json()) : undefined),
      30_000,
      'the large notification',
    );
    expect(notification.alerts).toHaveLength(1500);
    expect(notification.truncatedAlerts).toBe(0);
  }, 60_000);

  it('sends a notification once when the delivery queue delivers it twice', async () => {
    const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1' });
    const body = JSON.stringify(aNotification({ id: 'twice-delivered', receiver: { accountId: 'acme', name: 'timing' } }));

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.resources.get('DeliveryQueue')!.ref,
        Entries: [
          { Id: 'a', MessageBody: body },
          { Id: 'b', MessageBody: body },
        ],
      }),
    );
    await sleep(1000);
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.resources.get('DeliveryQueue')!.ref, Entries: [{ Id: 'c', MessageBody: body }] }));

    await eventually(() => (at('/timing', 'HighErrorRate').length >= 1 ? true : undefined));
    await sleep(2500);
    expect(at('/timing', 'HighErrorRate')).toHaveLength(1);
  });
});
