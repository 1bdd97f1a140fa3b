import { ZERO_TIME, type LabelSet } from '../alert/alert.js';
import type { NotificationMessage } from '../pipeline/messages.js';

/** Alertmanager's webhook payload, version 4: what webhook receivers already parse. */
export interface AlertmanagerWebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: LabelSet;
  commonLabels: LabelSet;
  commonAnnotations: LabelSet;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: LabelSet;
    annotations: LabelSet;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

/** Renders a notification as Alertmanager would POST it; firing alerts carry the zero `endsAt`, as in Alertmanager. */
export function toAlertmanagerPayload(notification: NotificationMessage, externalURL: string): AlertmanagerWebhookPayload {
  return {
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: notification.truncatedAlerts,
    status: notification.status,
    receiver: notification.receiver.name,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL,
    alerts: notification.alerts.map((alert) => ({
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: alert.startsAt,
      endsAt: alert.status === 'firing' ? ZERO_TIME : alert.endsAt,
      generatorURL: alert.generatorURL,
      fingerprint: alert.fingerprint,
    })),
  };
}
