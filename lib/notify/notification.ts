import { ZERO_TIME } from '../alert/alert.js';
import type { WebhookPayload } from '../aggregate/notification.js';
import type { NotificationMessage } from '../pipeline/messages.js';

/** Renders a notification as Alertmanager would POST it; firing alerts carry the zero `endsAt`, as in Alertmanager. */
export function toAlertmanagerPayload(notification: NotificationMessage, externalURL: string): WebhookPayload {
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
