import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../lib/alert/alert.js';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import { RecordedRoutings, type AlertPathEntry } from '../../../lib/history/alert-path.js';
import type { AlertBatchMessage, RoutedAlertsMessage } from '../../../lib/pipeline/messages.js';
import type { QueueName, QueuePublisher } from '../../../lib/pipeline/queue.js';
import { routeBatch, type RouteBatchDependencies } from '../../../lib/route/route-batch.js';
import type { RoutingSource } from '../../../lib/route/routing-source.js';
import { anAlert } from '../../helpers/builders.js';
import { aReceiver } from '../../helpers/memory-stores.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function alert(labels: Record<string, string>): Alert {
  const full = { cluster: 'prod', ...labels };
  return anAlert({ labels: full, fingerprint: fingerprint(full), cluster: 'prod' });
}

function setup() {
  const source: RoutingSource = {
    settings: async () => undefined,
    globalReceivers: async () => [aReceiver({ name: 'ops', filter: { matchers: ['severity="critical"'] } })],
    tenantReceivers: async () => [],
    access: async () => [],
    routers: async () => [],
    silences: async () => [],
    inhibitRules: async () => [],
    firingAlerts: async () => [],
  };
  const sent: Array<{ queue: QueueName; message: RoutedAlertsMessage }> = [];
  const queue: QueuePublisher = {
    send: async (name, bodies) => void sent.push(...bodies.map((body) => ({ queue: name, message: JSON.parse(body) as RoutedAlertsMessage }))),
  };
  const firing: Array<{ accountId: string; fingerprints: string[]; tenants: string[][] }> = [];
  const trail: AlertPathEntry[][] = [];
  const deps: RouteBatchDependencies = {
    source,
    queue,
    records: {
      record: async (accountId, update, steps) => {
        firing.push({ accountId, fingerprints: update.alerts.map((a) => a.fingerprint), tenants: update.alerts.map((a) => update.tenantsOf(a)) });
        trail.push([...steps]);
      },
    },
    recorded: new RecordedRoutings(),
    now: () => NOW,
  };
  return { deps, sent, firing, trail };
}

function batch(alerts: Alert[]): AlertBatchMessage {
  return { type: 'alert-batch', accountId: 'acme', clusterId: 'prod', receivedAt: '2026-11-25T11:59:59.000Z', alerts };
}

describe('routeBatch', () => {
  it('sends each receiver its alerts stamped with the ingest time, records the firing set and the routing steps, and answers the unrouted', async () => {
    // Prepare
    const { deps, sent, firing, trail } = setup();
    const critical = alert({ alertname: 'Down', severity: 'critical' });
    const minor = alert({ alertname: 'Slow', severity: 'info' });

    // Act
    const unrouted = await routeBatch(batch([critical, minor]), deps);

    // Assess
    expect(sent.map(({ queue, message }) => [queue, message.receiver.name, message.receivedAt, message.alerts.map((a) => a.fingerprint)])).toEqual([
      ['groups', 'ops', '2026-11-25T11:59:59.000Z', [critical.fingerprint]],
    ]);
    expect(firing).toEqual([{ accountId: 'acme', fingerprints: [critical.fingerprint, minor.fingerprint], tenants: [[], []] }]);
    expect(trail[0]!.map((entry) => [entry.stage, entry.fingerprint, entry.at])).toEqual([
      ['routed', critical.fingerprint, NOW.toISOString()],
      ['routed', minor.fingerprint, NOW.toISOString()],
    ]);
    expect(unrouted.map((decision) => decision.fingerprint)).toEqual([minor.fingerprint]);
  });

  it('records a resend that changes nothing only once in the trail', async () => {
    const { deps, trail } = setup();
    const critical = alert({ alertname: 'Down', severity: 'critical' });

    await routeBatch(batch([critical]), deps);
    await routeBatch(batch([critical]), deps);

    expect(trail.map((entries) => entries.length)).toEqual([1, 0]);
  });
});
