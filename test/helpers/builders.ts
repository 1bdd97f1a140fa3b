import { fingerprint } from '../../lib/alert/fingerprint.js';
import type { Alert, NotifiedAlert } from '../../lib/alert/alert.js';
import type { NotificationMessage } from '../../lib/pipeline/messages.js';
import type { AlertPathEntry } from '../../lib/history/alert-path.js';
import type { NotificationRecord } from '../../lib/history/notification-record.js';

/** An alert with sensible defaults; override what the test is about. */
export function anAlert(overrides: Partial<Alert> = {}): Alert {
  const labels = overrides.labels ?? { alertname: 'HighErrorRate', severity: 'critical', cluster: 'prod-eu' };
  return {
    labels,
    annotations: { summary: 'error rate above 5%' },
    status: 'firing',
    startsAt: '2026-11-25T10:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph',
    fingerprint: fingerprint(labels),
    source: 'alertmanager-webhook',
    cluster: labels.cluster ?? 'prod-eu',
    ...overrides,
  };
}

/** An alert as a notification carries it (what a flush puts in the payload). */
export function aNotifiedAlert(overrides: Partial<NotifiedAlert> = {}): NotifiedAlert {
  const { source: _source, cluster: _cluster, ...alert } = anAlert(overrides);
  return alert;
}

/** An Alertmanager webhook body (version 4) as Alertmanager 0.25 sends it. */
export function anAlertmanagerWebhook(alerts: Array<Record<string, unknown>> = [anAlertmanagerAlert()]) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'tidings',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts,
  };
}

export function anAlertmanagerAlert(overrides: Record<string, unknown> = {}) {
  return {
    status: 'firing',
    labels: { alertname: 'HighErrorRate', severity: 'critical', namespace: 'shop' },
    annotations: { summary: 'error rate above 5%' },
    startsAt: '2026-11-25T10:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph?g0.expr=rate',
    fingerprint: 'da393b5f7de9bc89',
    ...overrides,
  };
}

export function aNotification(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  const alerts = overrides.alerts ?? [aNotifiedAlert()];
  return {
    type: 'notification',
    id: 'n-1',
    createdAt: '2026-11-25T10:00:30.000Z',
    receiver: { accountId: 'acme', name: 'ops' },
    groupKey: '{}:{}',
    status: 'firing',
    groupLabels: {},
    commonLabels: alerts[0]!.labels,
    commonAnnotations: alerts[0]!.annotations,
    truncatedAlerts: 0,
    alerts,
    ...overrides,
  };
}

/** The routing step the route stage records for an alert sent to global `receivers` at `at`. */
export function aRoutedEntry(fingerprint: string, receivers: string[], at: string, extra: { receivedAt?: string } = {}): AlertPathEntry {
  return {
    stage: 'routed',
    at,
    ...extra,
    fingerprint,
    alertname: 'HighErrorRate',
    status: 'firing',
    cluster: 'prod-eu',
    source: 'alertmanager-webhook',
    tenants: [],
    routers: [],
    receivers: receivers.map((receiver) => ({ receiver, outcome: 'delivered', via: ['global receiver'] })),
  };
}

/** A sent notification's history record to global receiver `receiver`, made at `createdAt`, carrying `fingerprints`. */
export function aNotificationRecord(id: string, receiver: string, createdAt: string, fingerprints: string[], extra: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    notificationId: id,
    receiver: { accountId: 'acme', name: receiver },
    channel: 'webhook',
    groupKey: `{}:{alertname="${id}"}`,
    status: 'sent',
    attempts: 1,
    alertCount: fingerprints.length,
    fingerprints,
    alertnames: ['HighErrorRate'],
    createdAt,
    updatedAt: createdAt,
    latencyMs: 40,
    ...extra,
  };
}
