/**
 * The route stage's use case: one batch of alerts from one cluster. Decides
 * which receivers get each alert (mutes are decided when groups flush), sends
 * them on per receiver, records the account's firing set and each alert's
 * routing step.
 */
import type { Alert } from '../alert/alert.js';
import { routedEntries, type AlertPathEntry, type RecordedRoutings } from '../history/alert-path.js';
import { withLazyModules } from '../pipeline/lazy-module.js';
import type { AlertBatchMessage, RoutedAlertsMessage } from '../pipeline/messages.js';
import { chunkBySize, type QueuePublisher } from '../pipeline/queue.js';
import { routeAlerts, tenantsSeeing, type AlertRouting } from './route-alerts.js';
import { loadRoutingSnapshot, type RoutingSource } from './routing-source.js';

/** A batch's alerts as the account's firing set takes them: the latest update of each, with the tenants that may see it. */
export interface FiringUpdate {
  alerts: readonly Alert[];
  receivedAt: string;
  tenantsOf: (alert: Alert) => string[];
}

/**
 * What routing a batch leaves behind: its updates to the account's firing set
 * (for inhibition and `GET /api/v2/alerts`) and its alerts' routing steps (the
 * alert trail). Written together, in one request where they fit.
 */
export interface RouteRecords {
  record(accountId: string, firing: FiringUpdate, steps: readonly AlertPathEntry[]): Promise<void>;
}

export interface RouteBatchDependencies {
  source: RoutingSource;
  queue: QueuePublisher;
  records: RouteRecords;
  /** The routing steps this instance wrote last, so a resend that changes nothing is not recorded again. */
  recorded: RecordedRoutings;
  now: () => Date;
}

/** Routes one batch; answers the decisions of the alerts that reached no receiver. */
export async function routeBatch(batch: AlertBatchMessage, deps: RouteBatchDependencies): Promise<AlertRouting[]> {
  // Routing only reads and compiles (matchers, schedules) before anything is written, so it may run again once RE2 or croner is loaded.
  const { snapshot, messages, decisions } = await withLazyModules(async () => {
    const snapshot = await loadRoutingSnapshot(batch.accountId, batch.alerts, deps.source);
    return { snapshot, ...routeAlerts(batch.alerts, snapshot, deps.now()) };
  });
  const bodies = messages.flatMap((message) =>
    chunkBySize(message.alerts, (alerts) => JSON.stringify({ ...message, receivedAt: batch.receivedAt, alerts } satisfies RoutedAlertsMessage)),
  );
  const steps = deps.recorded.changed(batch.accountId, routedEntries(batch.alerts, decisions, deps.now().toISOString(), batch.receivedAt));
  await Promise.all([
    deps.queue.send('groups', bodies),
    deps.records.record(batch.accountId, { alerts: batch.alerts, receivedAt: batch.receivedAt, tenantsOf: (alert) => tenantsSeeing(alert, snapshot) }, steps),
  ]);
  deps.recorded.remember(batch.accountId, steps);
  return decisions.filter((decision) => !decision.receivers.some((receiver) => receiver.outcome === 'delivered'));
}
