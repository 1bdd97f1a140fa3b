import type { NotificationMessage, NotificationPayload } from '../pipeline/messages.js';

/** Alertmanager's webhook body, version "4": the flush's payload with what delivery adds. */
export type AlertmanagerWebhookBody = { version: '4'; receiver: string; externalURL: string } & NotificationPayload;

/**
 * The notification as Alertmanager would POST it: the payload as the flush
 * built it (firing alerts end at the zero time, as Alertmanager sends them),
 * in Alertmanager's field order.
 */
export function toAlertmanagerPayload(notification: NotificationMessage, externalURL: string): AlertmanagerWebhookBody {
  const { groupKey, truncatedAlerts, status, groupLabels, commonLabels, commonAnnotations, alerts } = notification;
  return { version: '4', groupKey, truncatedAlerts, status, receiver: notification.receiver.name, groupLabels, commonLabels, commonAnnotations, externalURL, alerts };
}
