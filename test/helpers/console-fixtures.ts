import type { LocalStack } from '../../infra/local/stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from './builders.js';
import { adminClient } from './local-stack.js';
import { ingestedFingerprint, settledPath } from './pipeline-signals.js';

const startedAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** An annotation a hostile sender might write: the console must show it as text, never run or render it. */
export const HOSTILE_SUMMARY = '<img src="x" onerror="window.__pwned = true"><b>5xx above 5%</b>';

/**
 * An account as the console's tests and screenshots need it: a cluster
 * `prod-eu`, tenant team-a (namespace shop) and team-b (namespace pay), each
 * with a key and a webhook receiver posting to `hookUrl`, and firing alerts
 * for both, their paths settled (routed and notified).
 */
export async function seedConsoleAccount(stack: LocalStack, accountId: string, hookUrl: string) {
  const admin = adminClient(stack);
  const cluster = await admin.createCluster(accountId, 'prod-eu');
  const put = async (path: string, body: unknown) => {
    const response = await admin.call('PUT', `/v1/accounts/${accountId}${path}`, body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const grouping = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' };
  await put('/tenants/team-a', { displayName: 'Team A', bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
  await put('/tenants/team-b', { displayName: 'Team B', bindings: [{ cluster: 'prod-eu', namespace: 'pay' }] });
  await put('/tenants/team-a/receivers/a-hook', { channel: 'webhook', settings: { url: `${hookUrl}/a` }, grouping });
  await put('/tenants/team-b/receivers/b-hook', { channel: 'webhook', settings: { url: `${hookUrl}/b` }, grouping });
  const keyOf = async (tenant: string) => (await admin.call('POST', `/v1/accounts/${accountId}/tenants/${tenant}/keys`)).body.key as string;

  const alerts = {
    errors: { labels: { alertname: 'HighErrorRate', severity: 'critical', namespace: 'shop', service: 'checkout' }, annotations: { summary: HOSTILE_SUMMARY, runbook_url: 'https://runbooks.example/errors' } },
    disk: { labels: { alertname: 'DiskAlmostFull', severity: 'warning', namespace: 'shop', pod: 'db-0' }, annotations: { summary: 'Disk of db-0 is 91% full' } },
    latency: { labels: { alertname: 'PaymentLatency', severity: 'warning', namespace: 'pay' }, annotations: { summary: 'p99 above 2 s' } },
  };
  const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(anAlertmanagerWebhook(Object.values(alerts).map((alert) => anAlertmanagerAlert({ ...alert, startsAt: startedAgo(15) })))),
  });
  if (response.status !== 200) throw new Error(`ingest: ${response.status} ${await response.text()}`);
  const fingerprints = {
    errors: ingestedFingerprint(alerts.errors.labels, 'prod-eu'),
    disk: ingestedFingerprint(alerts.disk.labels, 'prod-eu'),
    latency: ingestedFingerprint(alerts.latency.labels, 'prod-eu'),
  };
  await Promise.all(Object.values(fingerprints).map((fp) => settledPath(admin, accountId, fp)));
  return { accountId, cluster, keyA: await keyOf('team-a'), keyB: await keyOf('team-b'), fingerprints };
}
