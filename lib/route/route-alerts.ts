import type { Alert } from '../alert/alert.js';
import { resolveGroupingOptions } from '../aggregate/grouping-options.js';
import type { RoutedAlertsMessage } from '../pipeline/messages.js';
import { receiverRef, type Receiver } from '../receivers/receiver.js';

/**
 * Decides which receivers get which alerts. For now every enabled global
 * receiver of the account gets every alert; tenants, routers, filters,
 * silences and inhibition narrow this in the routing core. Each routed
 * message carries the receiver's grouping, so aggregation needs no lookups.
 */
export function routeAlerts(alerts: readonly Alert[], receivers: readonly Receiver[]): RoutedAlertsMessage[] {
  if (alerts.length === 0) return [];
  return receivers
    .filter((receiver) => receiver.enabled)
    .map((receiver) => ({
      type: 'routed-alerts',
      receiver: receiverRef(receiver),
      grouping: resolveGroupingOptions(receiver.grouping),
      alerts: [...alerts],
    }));
}
