import { createHash } from 'node:crypto';
import type { Alert } from '../alert/alert.js';
import type { NotificationMessage, RoutedAlertsMessage } from '../pipeline/messages.js';
import { commonPairs, groupStatus } from './notification.js';

/** A routed-alerts message as it came off the queue. */
export interface ReceivedRouted {
  messageId: string;
  message: RoutedAlertsMessage;
}

/** A notification and the queue messages it was built from (they succeed or fail together). */
export interface BatchedNotification {
  notification: NotificationMessage;
  messageIds: string[];
}

/**
 * Merges the routed alerts of one queue batch into one notification per
 * receiver (a single group, `{}:{}`, as Alertmanager's root route without
 * group_by). The same alert twice keeps its latest state. The id is derived
 * from the source messages, so a redelivered batch yields the same id.
 */
export function batchNotifications(received: readonly ReceivedRouted[], now: Date): BatchedNotification[] {
  const byReceiver = new Map<string, { entries: ReceivedRouted[]; alerts: Map<string, Alert> }>();
  for (const entry of received) {
    const { receiver } = entry.message;
    const key = JSON.stringify([receiver.accountId, receiver.tenantId ?? '', receiver.name]);
    const bucket = byReceiver.get(key) ?? { entries: [], alerts: new Map<string, Alert>() };
    bucket.entries.push(entry);
    for (const alert of entry.message.alerts) bucket.alerts.set(alert.fingerprint, alert);
    byReceiver.set(key, bucket);
  }
  return [...byReceiver.values()].map(({ entries, alerts }) => {
    const list = [...alerts.values()];
    const messageIds = entries.map((entry) => entry.messageId).sort();
    const receiver = entries[0]!.message.receiver;
    const id = createHash('sha256').update(JSON.stringify([receiver, messageIds])).digest('hex').slice(0, 32);
    return {
      messageIds,
      notification: {
        type: 'notification',
        id,
        createdAt: now.toISOString(),
        receiver,
        groupKey: '{}:{}',
        status: groupStatus(list),
        groupLabels: {},
        commonLabels: commonPairs(list.map((alert) => alert.labels)),
        commonAnnotations: commonPairs(list.map((alert) => alert.annotations)),
        truncatedAlerts: 0,
        alerts: list,
      },
    };
  });
}
