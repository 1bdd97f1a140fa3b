/**
 * The routing function the scale figure measures, behind one adapter: to
 * benchmark another routing core, change the import (and this adapter if its
 * signature differs); the benchmark only calls `routeBatch`.
 */
import type { Alert } from '../lib/alert/alert.js';
import type { Receiver } from '../lib/receivers/receiver.js';
import { routeAlerts, type RoutingSnapshot } from '../lib/route/route-alerts.js';

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
