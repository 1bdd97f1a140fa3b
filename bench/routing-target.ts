/**
 * The routing function the scale figure measures, behind one adapter: to
 * benchmark another routing core, change the import (and this adapter if its
 * signature differs); the benchmark only calls `routeBatch`.
 */
import type { Alert } from '../lib/alert/alert.js';
import type { Receiver } from '../lib/receivers/receiver.js';
import { routeAlerts, type RoutingSnapshot } from '../lib/route/route-alerts.js';
import { loadRoutingSnapshot, type RoutingSource } from '../lib/route/routing-source.js';

export const ROUTING_TARGET = 'routeAlerts (lib/route/route-alerts.ts), policy All, global receivers only, no routers, silences or inhibit rules';

/** Routes one batch of an account's alerts to its global receivers; returns how many routed messages came out. */
export function routeBatch(alerts: readonly Alert[], receivers: readonly Receiver[]): number {
  const snapshot: RoutingSnapshot = {
    policy: 'All',
    globalReceivers: receivers,
    tenantReceivers: new Map(),
    access: new Map(),
    routers: [],
    silences: [],
    inhibitRules: [],
    firingAlerts: [],
  };
  return routeAlerts(alerts, snapshot, new Date('2026-11-25T10:00:00Z')).messages.length;
}

export const TENANT_ROUTING_TARGET =
  'loadRoutingSnapshot + routeAlerts for a batch of 100 alerts from 10 namespaces (one tenant each) of an account with 10,000 tenants, each bound to its own namespace, the given number of receivers spread evenly over the tenants plus 3 global receivers; the RoutingSource answers from in-memory maps (what DynamoDB queries would return), so the figure shows the routing work, which should not grow with the account';

/** Routes one batch the way the route function does: load the snapshot the batch needs, then decide. */
export async function routeTenantBatch(accountId: string, alerts: readonly Alert[], source: RoutingSource): Promise<number> {
  const snapshot = await loadRoutingSnapshot(accountId, alerts, source);
  return routeAlerts(alerts, snapshot, new Date('2026-11-25T10:00:00Z')).messages.length;
}
