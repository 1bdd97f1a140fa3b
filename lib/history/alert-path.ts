import type { Alert } from '../alert/alert.js';
import type { AlertRouting } from '../route/route-alerts.js';
import type { DeliveryStatus } from './notification-record.js';

/** One step of an alert's path through tidings, as "why (not) paged?" needs it. */
export type AlertPathEntry =
  | {
      stage: 'routed';
      at: string;
      fingerprint: string;
      alertname: string;
      status: Alert['status'];
      cluster: string;
      source: Alert['source'];
      /** For alerts made by an event or audit rule: the rule. */
      rule?: string;
      tenants: AlertRouting['tenants'];
      routers: string[];
      /** Each receiver considered, and whether it got the alert or what stopped it (filter, silence, inhibition). */
      receivers: AlertRouting['receivers'];
    }
  | {
      stage: 'notified';
      at: string;
      fingerprint: string;
      notificationId: string;
      receiver: string;
      channel: string;
      status: DeliveryStatus;
      reason?: string;
    };

export interface AlertPathStore {
  record(accountId: string, entries: readonly AlertPathEntry[]): Promise<void>;
  /** Newest first. */
  list(accountId: string, fingerprint: string, options: { limit: number; cursor?: string }): Promise<{ items: AlertPathEntry[]; cursor?: string }>;
}

/** The routing step of each alert of a batch. */
export function routedEntries(alerts: readonly Alert[], decisions: readonly AlertRouting[], at: string): AlertPathEntry[] {
  return alerts.map((alert, index) => {
    const decision = decisions[index]!;
    const fromRule = alert.labels.alerttype === 'event' || alert.labels.alerttype === 'auditing';
    return {
      stage: 'routed',
      at,
      fingerprint: alert.fingerprint,
      alertname: alert.labels.alertname ?? '',
      status: alert.status,
      cluster: alert.cluster,
      source: alert.source,
      ...(fromRule ? { rule: alert.labels.alertname ?? '' } : {}),
      tenants: decision.tenants,
      routers: decision.routers,
      receivers: decision.receivers,
    };
  });
}

/**
 * What a tenant may see of an alert's path: only if the alert reached its
 * namespaces, and then only its own receivers.
 */
export function tenantView(entries: readonly AlertPathEntry[], tenantId: string): AlertPathEntry[] {
  const prefix = `${tenantId}/`;
  const visible = entries.some((e) => e.stage === 'routed' && e.tenants.some((t) => t.tenantId === tenantId));
  if (!visible) return [];
  return entries.flatMap((entry): AlertPathEntry[] => {
    if (entry.stage === 'notified') return entry.receiver.startsWith(prefix) ? [entry] : [];
    const own = entry.receivers.filter((r) => r.receiver.startsWith(prefix));
    return entry.tenants.some((t) => t.tenantId === tenantId) ? [{ ...entry, tenants: entry.tenants.filter((t) => t.tenantId === tenantId), routers: [], receivers: own }] : [];
  });
}
