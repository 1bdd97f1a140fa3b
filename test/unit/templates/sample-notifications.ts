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

/**
 * A large group as kube-prometheus sends it: every alert carries twenty labels,
 * external ones included (so templates that list labels do real work per
 * alert); one in ten is resolved.
 */
export function aLargeKubernetesGroup(count: number): NotificationMessage {
  const alerts = Array.from({ length: count }, (_, index) => {
    const pod = `checkout-${index.toString(36)}`;
    const resolved = index % 10 === 9;
    return anAlert({
      labels: {
        alertname: 'KubeContainerWaiting',
        severity: 'warning',
        cluster: 'prod-eu',
        namespace: 'shop',
        pod,
        container: 'app',
        node: `ip-10-0-${index % 250}-${index % 7}.eu-west-1.compute.internal`,
        instance: `10.0.${index % 250}.${index % 200}:8080`,
        job: 'kube-state-metrics',
        service: 'kube-prometheus-stack-kube-state-metrics',
        endpoint: 'http',
        prometheus: 'monitoring/kube-prometheus-stack-prometheus',
        reason: 'CrashLoopBackOff',
        uid: `5f0c${index.toString(16).padStart(4, '0')}-1b2c-4d5e-8f90-a1b2c3d4e5f6`,
        team: 'payments',
        tier: 'backend',
        app: 'checkout',
        environment: 'production',
        region: 'eu-west-1',
        prometheus_replica: 'prometheus-kube-prometheus-stack-prometheus-0',
      },
      annotations: {
        summary: `Pod container waiting longer than 1 hour`,
        description: `pod/${pod} in namespace shop on container app has been in waiting state for longer than 1 hour.`,
        runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubecontainerwaiting',
      },
      ...(resolved ? { status: 'resolved' as const, endsAt: '2026-11-25T10:04:00Z' } : {}),
    });
  });
  return aNotification({
    alerts,
    groupLabels: { alertname: 'KubeContainerWaiting' },
    commonLabels: { alertname: 'KubeContainerWaiting', severity: 'warning', cluster: 'prod-eu', namespace: 'shop', job: 'kube-state-metrics' },
    commonAnnotations: { summary: 'Pod container waiting longer than 1 hour' },
  });
}
