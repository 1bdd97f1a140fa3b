/**
 * Each sender the README lists, as its source code builds the request (method,
 * path, headers, body), against the ingest use case, and the answer it needs
 * to count the send as a success:
 * - Alertmanager `webhook_configs` (notify/webhook): any 2xx;
 * - Prometheus to Alertmanager's API v2 (notifier): any 2xx;
 * - kube-eventer's webhook sink (sinks/webhook/webhook.go): exactly 200;
 * - kubernetes-event-exporter's webhook sink (pkg/sinks/webhook.go): any 2xx;
 * - notification-manager's webhook (pkg/notify/notifier/webhook, utils.DoHttpRequest): exactly 200;
 * - the API server's audit webhook (client-go rest client): 200-206.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashToken, type Cluster, type ClusterStore } from '../../../lib/clusters/cluster.js';
import { handleIngest, type IngestDependencies, type IngestRequest } from '../../../lib/ingest/ingest-request.js';
import type { SignalBatchMessage } from '../../../lib/ingest/signal-messages.js';
import type { AlertBatchMessage } from '../../../lib/pipeline/messages.js';
import type { QueueName } from '../../../lib/pipeline/queue.js';
import { fixtureText, NOW } from './fixtures.js';

const TOKEN = 'tdg_3q2+7w-sender-test-token';

function aCluster(): Cluster {
  return { id: 'c-sender', accountId: 'acme', name: 'prod-eu', tokens: [{ hash: hashToken(TOKEN), createdAt: '2026-01-01T00:00:00Z' }], createdAt: '2026-01-01T00:00:00Z' };
}

function setup() {
  const cluster = aCluster();
  const sent: Array<{ queue: QueueName; body: unknown }> = [];
  const clusters: ClusterStore = {
    get: async (id) => (id === cluster.id ? cluster : undefined),
    create: async () => undefined,
    replace: async () => undefined,
    listByAccount: async () => [cluster],
  };
  const deps: IngestDependencies = {
    clusters,
    queue: { send: async (queue, bodies) => void sent.push(...bodies.map((body) => ({ queue, body: JSON.parse(body) as unknown }))) },
    limitBytes: 1024 * 1024,
    now: () => NOW,
    startedAt: NOW,
  };
  const alerts = () => sent.filter((m) => m.queue === 'alerts').flatMap((m) => (m.body as AlertBatchMessage).alerts);
  const signals = () => sent.filter((m) => m.queue === 'signals').map((m) => m.body as SignalBatchMessage);
  return { deps, alerts, signals };
}

/** A request as API Gateway hands it to the function: lower-cased headers, the path after the cluster id. */
function aRequest(path: string, headers: Record<string, string>, body: string, method = 'POST'): IngestRequest {
  return {
    clusterId: 'c-sender',
    path,
    method,
    headers,
    body: { body, isBase64Encoded: false, contentType: headers['content-type'], contentEncoding: undefined },
  };
}

describe('handleIngest answers each sender what it counts as success', () => {
  it('Alertmanager webhook_configs: its version 4 body with Bearer credentials gets 200 and every alert', async () => {
    // Prepare
    const { deps, alerts } = setup();
    const body = {
      receiver: 'tidings',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'web-1', severity: 'warning' },
          annotations: { summary: 'Pod shop/web-1 is crash looping', runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping' },
          startsAt: '2026-11-25T09:58:00.123456789Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
          fingerprint: '3c2d4a7b8e9f0a1b',
        },
      ],
      groupLabels: { alertname: 'KubePodCrashLooping' },
      commonLabels: { alertname: 'KubePodCrashLooping' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      version: '4',
      groupKey: '{}:{alertname="KubePodCrashLooping"}',
      truncatedAlerts: 0,
    };
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'user-agent': 'Alertmanager/0.27.0' };

    // Act
    const response = await handleIngest(aRequest('alertmanager', headers, JSON.stringify(body)), deps);

    // Assess
    expect(response).toEqual({ status: 200, body: { accepted: 1 } });
    expect(alerts()[0]).toMatchObject({ startsAt: '2026-11-25T09:58:00.123456789Z', labels: { pod: 'web-1', cluster: 'prod-eu' } });
  });

  it('Alertmanager with basic_auth (the token as password) is accepted the same way', async () => {
    const { deps } = setup();
    const headers = { authorization: `Basic ${Buffer.from(`tidings:${TOKEN}`).toString('base64')}`, 'content-type': 'application/json' };
    const body = { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { alertname: 'A' }, annotations: {}, startsAt: '2026-11-25T10:00:00Z', endsAt: '0001-01-01T00:00:00Z' }] };
    expect((await handleIngest(aRequest('alertmanager', headers, JSON.stringify(body)), deps)).status).toBe(200);
  });

  it('Prometheus: its alert array to api/v2/alerts gets 200 with an empty body', async () => {
    const { deps, alerts } = setup();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'user-agent': 'Prometheus/2.53.0' };
    const response = await handleIngest(aRequest('api/v2/alerts', headers, fixtureText('alertmanager-api-prometheus.json')), deps);
    expect(response).toEqual({ status: 200 });
    expect(alerts().length).toBeGreaterThan(0);
  });

  it('kube-eventer: its default body, POSTed with no content type and the token in the path, gets exactly 200', async () => {
    // kube-eventer sends only the headers given as `header=` in the sink URL, and counts anything but 200 as failed.
    const { deps, signals } = setup();
    const response = await handleIngest(aRequest(`t/${encodeURIComponent(TOKEN)}/events`, {}, fixtureText('kube-eventer-default.json')), deps);
    expect(response).toEqual({ status: 200, body: { accepted: 1 } });
    expect(signals()).toHaveLength(1);
  });

  it('kubernetes-event-exporter: its enhanced event with its configured Bearer header gets 200', async () => {
    const { deps, signals } = setup();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const response = await handleIngest(aRequest('events', headers, fixtureText('event-exporter-enhanced.json')), deps);
    expect(response).toEqual({ status: 200, body: { accepted: 1 } });
    expect(signals()).toHaveLength(1);
  });

  it.each([
    ['before v1.4.0, the token with no scheme', TOKEN],
    ['from v1.4.0, a Bearer token', `Bearer ${TOKEN}`],
  ])('notification-manager webhook (%s): its raw Data body gets exactly 200', async (_version, authorization) => {
    // Prepare: notification-manager encodes its template.Data: no version, receiver or externalURL; an alert
    // carries an id and notificationTime, and Go's zero time where a time was never set.
    const { deps, alerts } = setup();
    const body = {
      alerts: [
        {
          id: '9f8e7d6c5b4a3921',
          status: 'firing',
          labels: { alertname: 'CPUThrottlingHigh', alerttype: 'metric', cluster: 'host', namespace: 'shop', severity: 'warning' },
          annotations: { message: '42% throttling of CPU in namespace shop for container web', runbook_url: 'https://runbooks.example/cpu' },
          startsAt: '0001-01-01T00:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          notificationTime: '0001-01-01T00:00:00Z',
        },
      ],
      groupLabels: { alertname: 'CPUThrottlingHigh', namespace: 'shop' },
      commonLabels: { alertname: 'CPUThrottlingHigh' },
      commonAnnotations: {},
    };
    const headers = { authorization, 'content-type': 'application/json', 'user-agent': 'Go-http-client/1.1' };

    // Act
    const response = await handleIngest(aRequest('alertmanager', headers, JSON.stringify(body)), deps);

    // Assess: exactly 200, and the start it never had is the time it arrived, as Alertmanager's API would set it.
    expect(response).toEqual({ status: 200, body: { accepted: 1 } });
    expect(alerts()[0]).toMatchObject({ status: 'firing', startsAt: NOW.toISOString(), labels: { cluster: 'prod-eu' } });
  });

  it('the API server audit webhook: its EventList with the kubeconfig token gets a 2xx client-go accepts (202)', async () => {
    const { deps, signals } = setup();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'user-agent': 'kube-apiserver-admission' };
    const response = await handleIngest(aRequest('audit', headers, readFileSync(new URL('../../fixtures/kubernetes/audit-event-list.json', import.meta.url), 'utf8')), deps);
    expect(response.status).toBe(202);
    expect(signals()).toHaveLength(1);
  });

  it('still refuses a wrong bare token, and a scheme sent without credentials', async () => {
    const { deps } = setup();
    const body = JSON.stringify({ alerts: [] });
    for (const authorization of ['tdg_not-the-token', 'Bearer', 'Basic', '']) {
      await expect(handleIngest(aRequest('alertmanager', { authorization, 'content-type': 'application/json' }, body), deps)).rejects.toMatchObject({ name: 'UnauthorizedError' });
    }
  });
});

describe('handleIngest on invalid items', () => {
  it('says nothing was accepted when every item is invalid', async () => {
    const { deps } = setup();
    const body = { version: '4', alerts: [{ status: 'firing', labels: {} }, { status: 'bogus', labels: { alertname: 'A' } }] };
    const response = await handleIngest(aRequest('alertmanager', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, JSON.stringify(body)), deps);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'every item is invalid; nothing was accepted', accepted: 0 });
  });

  it('says the valid ones were accepted when only some are invalid', async () => {
    const { deps } = setup();
    const body = { version: '4', alerts: [{ status: 'firing', labels: { alertname: 'A' } }, { status: 'bogus', labels: { alertname: 'B' } }] };
    const response = await handleIngest(aRequest('alertmanager', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, JSON.stringify(body)), deps);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'some items are invalid; the valid ones were accepted', accepted: 1 });
  });
});
