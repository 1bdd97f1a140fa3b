import type { NotificationMessage } from '../../../lib/pipeline/messages.js';
import { anAlert, aNotification } from '../../helpers/builders.js';

/** A Prometheus alert group: two firing, one resolved. */
export function aMetricNotification(): NotificationMessage {
  const alerts = [
    anAlert({
      labels: { alertname: 'KubePodCrashLooping', severity: 'critical', cluster: 'prod-eu', namespace: 'shop', pod: 'web-1' },
      annotations: { summary: 'Pod shop/web-1 is crash looping', description: 'Restarted 5 times in 10 minutes' },
    }),
    anAlert({
      labels: { alertname: 'KubePodCrashLooping', severity: 'critical', cluster: 'prod-eu', namespace: 'shop', pod: 'web-2' },
      annotations: { summary: 'Pod shop/web-2 is crash looping' },
    }),
    anAlert({
      labels: { alertname: 'KubePodCrashLooping', severity: 'critical', cluster: 'prod-eu', namespace: 'shop', pod: 'web-3' },
      annotations: { summary: 'Pod shop/web-3 is crash looping' },
      status: 'resolved',
      endsAt: '2026-11-25T10:04:00Z',
    }),
  ];
  return aNotification({
    alerts,
    groupLabels: { alertname: 'KubePodCrashLooping' },
    commonLabels: { alertname: 'KubePodCrashLooping', severity: 'critical', cluster: 'prod-eu', namespace: 'shop' },
    commonAnnotations: {},
  });
}

/** An alert raised from a Kubernetes Warning event. */
export function anEventNotification(): NotificationMessage {
  const labels = {
    alertname: 'ContainerBackoff',
    alerttype: 'event',
    severity: 'warning',
    cluster: 'edge-7',
    namespace: 'payments',
    kind: 'Pod',
    name: 'api-5d9f-x2',
    pod: 'api-5d9f-x2',
    reason: 'BackOff',
    container: 'api',
  };
  const alert = anAlert({
    labels,
    annotations: { message: 'Back-off restarting failed container api in pod api-5d9f-x2' },
    source: 'kubernetes-event',
    cluster: 'edge-7',
  });
  return aNotification({ alerts: [alert], groupLabels: { alertname: 'ContainerBackoff' }, commonLabels: labels, commonAnnotations: alert.annotations });
}

/** An alert raised from an audit event. */
export function anAuditNotification(): NotificationMessage {
  const labels = {
    alertname: 'SecretAccessed',
    alerttype: 'auditing',
    severity: 'warning',
    cluster: 'prod-eu',
    namespace: 'payments',
    user: 'alice@example.com',
    verb: 'get',
    resource: 'secrets',
    name: 'db-password',
  };
  const alert = anAlert({
    labels,
    annotations: { message: 'alice@example.com get secrets \'db-password\' in namespace payments (200)' },
    source: 'kubernetes-audit',
  });
  return aNotification({ alerts: [alert], groupLabels: { alertname: 'SecretAccessed' }, commonLabels: labels, commonAnnotations: alert.annotations });
}

/** A notification with many alerts, to push a channel past its size limit. */
export function aLargeNotification(count: number, summaryLength = 300): NotificationMessage {
  const alerts = Array.from({ length: count }, (_, index) =>
    anAlert({
      labels: { alertname: 'HighLatency', severity: 'warning', cluster: 'prod-eu', instance: `node-${index}` },
      annotations: { summary: `Latency high on node-${index}: ${'x'.repeat(summaryLength)}` },
    }),
  );
  return aNotification({ alerts, commonLabels: { alertname: 'HighLatency', severity: 'warning', cluster: 'prod-eu' }, commonAnnotations: {} });
}
