import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { fingerprint } from '../../lib/alert/fingerprint.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

/**
 * Silences and inhibition decided when a group flushes, as Alertmanager's
 * notify pipeline does: asserted on what the receiver got and on the alert's
 * trail, waiting for positive signals rather than for time to pass.
 */
let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };

const GROUPING = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '2s', sendResolved: true };

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  await admin.putWebhookReceiver('acme', 'pager', `${receiver.url}/pager`, GROUPING);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

/** Posts alerts as Prometheus does (API v2), firing for an hour unless `endsAt` says otherwise. */
async function post(alerts: Array<{ labels: Record<string, string>; startsAt?: string; endsAt?: string }>): Promise<void> {
  const now = Date.now();
  const body = alerts.map((alert) => ({
    labels: alert.labels,
    annotations: {},
    startsAt: alert.startsAt ?? new Date(now - 60_000).toISOString(),
    endsAt: alert.endsAt ?? new Date(now + 3_600_000).toISOString(),
    generatorURL: 'http://prometheus.example/graph',
  }));
  const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/api/v2/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

/** Notifications of one group (by alertname), in arrival order. */
const notificationsOf = (alertname: string) =>
  receiver.requests.filter((request) => request.path === '/pager' && request.json().groupLabels.alertname === alertname);

/** When each notification of a group was made (its flush), from history: delivery times lag flushes. */
async function flushTimesOf(alertname: string): Promise<number[]> {
  const body = await admin.history('acme', '?limit=200');
  return (body.items as Array<{ alertnames: string[]; createdAt: string }>)
    .filter((record) => record.alertnames.includes(alertname))
    .map((record) => Date.parse(record.createdAt));
}

/** The fingerprint tidings gives an alert: its labels plus the cluster's name. */
const fingerprintOf = (labels: Record<string, string>) => fingerprint({ ...labels, cluster: 'prod-eu' });

async function trailEntry(labels: Record<string, string>, stage: string, status?: string) {
  const body = (await admin.call('GET', `/v1/accounts/acme/alerts/${fingerprintOf(labels)}/history`)).body;
  return body.items.find((entry: { stage: string; status?: string }) => entry.stage === stage && (status === undefined || entry.status === status));
}

async function silence(alertname: string): Promise<string> {
  const response = await admin.call('POST', '/v1/accounts/acme/silences', {
    matchers: [`alertname="${alertname}"`],
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: 'test',
    comment: 'maintenance',
  });
  expect(response.status).toBe(201);
  return response.body.id;
}

describe('mutes decided at flush time', () => {
  it('a silence stops the repeats of a group already notified, and its expiry brings the still-firing alert back without a new post', async () => {
    const labels = { alertname: 'DiskFull', instance: 'db-1' };
    await post([{ labels }]);
    await eventually(() => (notificationsOf('DiskFull').length > 0 ? true : undefined), 30_000, 'the first notification');

    const id = await silence('DiskFull');
    const muted = await eventually(() => trailEntry(labels, 'silenced'), 30_000, 'the trail to say silenced');
    expect(muted).toMatchObject({ receiver: 'pager', detail: `silence ${id}` });
    expect(await trailEntry(labels, 'received')).toMatchObject({ cluster: 'prod-eu', status: 'firing' });
    const silencedAt = Date.parse(muted.at);
    // Let more than a repeat_interval pass under the silence (the group keeps flushing every group_interval).
    await eventually(() => (Date.now() > silencedAt + 3_000 ? true : undefined), 10_000, 'a repeat interval under the silence');

    const expiredAt = Date.now();
    expect((await admin.call('DELETE', `/v1/accounts/acme/silences/${id}`)).status).toBe(200);
    const back = await eventually(() => notificationsOf('DiskFull').find((request) => request.at > expiredAt), 30_000, 'the notification after expiry');

    expect(back.json().alerts.map((alert: { labels: { instance: string } }) => alert.labels.instance)).toEqual(['db-1']);
    // No flush from the one that recorded the silence until the expiry made a notification.
    expect((await flushTimesOf('DiskFull')).filter((at) => at >= silencedAt && at <= expiredAt)).toEqual([]);
  });

  it('an inhibited alert is held back while its source fires and notified when the source resolves, without a new post', async () => {
    const put = await admin.call('PUT', '/v1/accounts/acme/inhibit-rules/node-down', {
      sourceMatchers: ['alertname="NodeDown"'],
      targetMatchers: ['alertname="PodUnreachable"'],
      equal: ['node'],
    });
    expect(put.status).toBeLessThan(300);
    const source = { alertname: 'NodeDown', node: 'n1' };
    const target = { alertname: 'PodUnreachable', node: 'n1', pod: 'web-1' };
    await post([{ labels: source }]);
    await eventually(() => (notificationsOf('NodeDown').length > 0 ? true : undefined), 30_000, 'the source notified');

    await post([{ labels: target }]);
    const inhibited = await eventually(() => trailEntry(target, 'inhibited'), 30_000, 'the trail to say inhibited');
    expect(inhibited.detail).toBe(`inhibit rule node-down by alert ${fingerprintOf(source)}`);
    expect(notificationsOf('PodUnreachable')).toEqual([]);

    await post([{ labels: source, endsAt: new Date().toISOString() }]);
    const released = await eventually(() => notificationsOf('PodUnreachable')[0], 30_000, 'the target notified after the source resolved');
    expect(released.json().alerts.map((alert: { status: string }) => alert.status)).toEqual(['firing']);
  });

  it('swallows a resolution that arrives during a silence, as Alertmanager does', async () => {
    const first = { alertname: 'QueueStuck', queue: 'orders' };
    await post([{ labels: first }]);
    await eventually(() => (notificationsOf('QueueStuck').length > 0 ? true : undefined), 30_000, 'the first notification');
    const id = await silence('QueueStuck');
    await eventually(() => trailEntry(first, 'silenced'), 30_000, 'the trail to say silenced');

    await post([{ labels: first, endsAt: new Date().toISOString() }]);
    // A flush held the resolution back (and dropped it from the group), as the trail says.
    const held = await eventually(() => trailEntry(first, 'silenced', 'resolved'), 30_000, 'the trail to say the resolution was silenced');
    expect(held.detail).toBe(`silence ${id}`);
    expect((await admin.call('DELETE', `/v1/accounts/acme/silences/${id}`)).status).toBe(200);

    // Another alert of the same group after the silence: its message would carry a pending resolution.
    const second = { alertname: 'QueueStuck', queue: 'payments' };
    await post([{ labels: second }]);
    const next = await eventually(
      () => notificationsOf('QueueStuck').find((request) => request.json().alerts.some((alert: { labels: { queue: string } }) => alert.labels.queue === 'payments')),
      30_000,
      'the next notification of the group',
    );

    expect(next.json().alerts.map((alert: { labels: { queue: string }; status: string }) => `${alert.labels.queue}:${alert.status}`)).toEqual(['payments:firing']);
    const resolutions = notificationsOf('QueueStuck').flatMap((request) => request.json().alerts.filter((alert: { status: string }) => alert.status === 'resolved'));
    expect(resolutions).toEqual([]);
  });
});

describe('updates of one alert merged as Alertmanager merges them', () => {
  it('resolves an alert whose resolution carries an earlier startsAt than the stored one (a sender that restarted)', async () => {
    const labels = { alertname: 'SenderRestarted', job: 'api' };
    const firstStart = new Date(Date.now() - 600_000).toISOString();
    await post([{ labels, startsAt: firstStart }]);
    await eventually(() => (notificationsOf('SenderRestarted').length > 0 ? true : undefined), 30_000, 'the first notification');
    await post([{ labels, startsAt: new Date(Date.now() - 60_000).toISOString() }]);

    await post([{ labels, startsAt: firstStart, endsAt: new Date().toISOString() }]);
    const resolved = await eventually(
      () => notificationsOf('SenderRestarted').find((request) => request.json().status === 'resolved'),
      30_000,
      'the resolution',
    );

    expect(resolved.json().alerts[0].startsAt).toBe(firstStart);
  });
});

describe('the alert trail under resends', () => {
  it('records the routing when an alert is first seen and when it resolves, not at every resend that changes nothing', async () => {
    // Prepare
    const labels = { alertname: 'ResentEveryEvaluation', severity: 'warning' };
    const fp = fingerprintOf(labels);
    const firing = async () => {
      const alerts = (await admin.call('GET', '/v1/accounts/acme/alertmanager/api/v2/alerts')).body as Array<{ fingerprint: string; updatedAt: string }>;
      return alerts.find((alert) => alert.fingerprint === fp);
    };
    await post([{ labels }]);
    const first = await eventually(() => firing(), 20_000, 'the alert in the firing set');
    await eventually(() => trailEntry(labels, 'routed'), 20_000, 'the first routing step');

    // Act: two resends (as Prometheus makes at each evaluation); each is routed once its firing-set update shows.
    for (let i = 0; i < 2; i++) {
      const before = (await firing())!.updatedAt;
      await post([{ labels }]);
      await eventually(async () => ((await firing())!.updatedAt > before ? true : undefined), 20_000, 'the resend routed');
    }
    await post([{ labels, endsAt: new Date().toISOString() }]);
    await eventually(() => trailEntry(labels, 'routed', 'resolved'), 20_000, 'the resolution routed');

    // Assess
    const trail = (await admin.call('GET', `/v1/accounts/acme/alerts/${fp}/history`)).body.items as Array<{ stage: string; status: string }>;
    expect(trail.filter((entry) => entry.stage === 'routed').map((entry) => entry.status)).toEqual(['resolved', 'firing']);
    expect(first.updatedAt).toBeDefined();
  });
});

describe('expiring a recurring silence', () => {
  it('answers 200 outside its window, and the silences and alerts stay readable', async () => {
    // Prepare: a nightly window that is closed now (it opens at the hour two hours from now).
    const hour = (new Date().getUTCHours() + 2) % 24;
    const created = await admin.call('POST', '/v1/accounts/acme/silences', {
      matchers: ['alertname="NightlyBackup"'],
      schedule: { cron: `0 ${hour} * * *`, duration: '1h', timeZone: 'UTC' },
      createdBy: 'test',
      comment: 'backup window',
    });
    expect(created.status).toBe(201);

    // Act
    const expired = await admin.call('DELETE', `/v1/accounts/acme/silences/${created.body.id}`);

    // Assess
    expect(expired.status).toBe(200);
    expect(expired.body.status.state).toBe('expired');
    expect((await admin.call('GET', '/v1/accounts/acme/silences')).status).toBe(200);
    expect((await admin.call('GET', '/v1/accounts/acme/alertmanager/api/v2/silences')).status).toBe(200);
    expect((await admin.call('GET', '/v1/accounts/acme/alertmanager/api/v2/alerts')).status).toBe(200);
  });
});
