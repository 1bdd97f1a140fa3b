import type { Alert } from '../alert/alert.js';
import type { InhibitionSource } from '../inhibit/inhibitor.js';
import type { InhibitRule } from '../inhibit/rule.js';
import type { Receiver } from '../receivers/receiver.js';
import type { Silence } from '../silence/silence.js';
import { accessKey, type AccessEntry } from '../tenancy/tenant.js';
import type { RoutingSnapshot } from './route-alerts.js';
import type { AccountSettings, Router } from './router.js';
import { ttlCache } from '../pipeline/ttl-cache.js';

/** Where routing reads its configuration; every read is a key lookup or a query of one partition. */
export interface RoutingSource {
  settings(accountId: string): Promise<AccountSettings | undefined>;
  globalReceivers(accountId: string): Promise<Receiver[]>;
  tenantReceivers(accountId: string, tenantId: string): Promise<Receiver[]>;
  /** The tenants that may see one namespace: one query on the access index. */
  access(accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]>;
  routers(accountId: string): Promise<Router[]>;
  silences(accountId: string): Promise<Silence[]>;
  inhibitRules(accountId: string): Promise<InhibitRule[]>;
  firingAlerts(accountId: string): Promise<InhibitionSource[]>;
}

/**
 * Gathers what routing one batch needs: the account's settings, global
 * receivers, routers, then the access entries of every namespace involved,
 * then the receivers of the tenants that can matter. Cost grows with the
 * tenants involved in the batch, never with the account's total number of
 * tenants or receivers. Silences, inhibit rules and firing alerts are read
 * only `withMutes`: the pipeline decides mutes when a group flushes, and only
 * the explain endpoint asks what would mute an alert now.
 */
export async function loadRoutingSnapshot(
  accountId: string,
  alerts: readonly Alert[],
  source: RoutingSource,
  { withMutes = false }: { withMutes?: boolean } = {},
): Promise<RoutingSnapshot> {
  const none = async () => [];
  const [settings, globalReceivers, routers, silences, inhibitRules] = await Promise.all([
    source.settings(accountId),
    source.globalReceivers(accountId),
    source.routers(accountId),
    withMutes ? source.silences(accountId) : none(),
    withMutes ? source.inhibitRules(accountId) : none(),
  ]);
  // The firing set only matters as inhibition sources: an account without inhibit rules does not read it.
  const storedFiring = inhibitRules.length === 0 ? [] : await source.firingAlerts(accountId);
  const firing = new Map<string, InhibitionSource>(storedFiring.map((alert) => [alert.fingerprint, alert]));
  for (const alert of alerts) {
    if (alert.status === 'firing') firing.set(alert.fingerprint, alert);
    else firing.delete(alert.fingerprint);
  }
  const firingAlerts = [...firing.values()];

  const namespaces = new Map<string, { cluster: string; namespace: string }>();
  for (const alert of [...alerts, ...(inhibitRules.some((rule) => rule.scope.kind === 'tenant') ? firingAlerts : [])]) {
    const { cluster, namespace } = alert.labels;
    if (cluster !== undefined && namespace !== undefined) namespaces.set(accessKey(cluster, namespace), { cluster, namespace });
  }
  const access = new Map<string, AccessEntry[]>();
  await Promise.all(
    [...namespaces].map(async ([key, ref]) => access.set(key, await source.access(accountId, ref.cluster, ref.namespace))),
  );

  const tenants = new Set<string>();
  for (const entries of access.values()) for (const entry of entries) tenants.add(entry.tenantId);
  for (const router of routers) {
    for (const tenant of router.target.tenants ?? []) tenants.add(tenant);
    for (const name of router.target.receivers ?? []) if (name.includes('/')) tenants.add(name.slice(0, name.indexOf('/')));
  }
  const tenantReceivers = new Map<string, Receiver[]>();
  await Promise.all([...tenants].map(async (tenant) => tenantReceivers.set(tenant, await source.tenantReceivers(accountId, tenant))));

  return {
    policy: settings?.routePolicy ?? 'All',
    ...(settings?.grouping === undefined ? {} : { groupingDefaults: settings.grouping }),
    globalReceivers,
    tenantReceivers,
    access,
    routers,
    silences,
    inhibitRules,
    firingAlerts,
  };
}

/** A RoutingSource whose answers are kept for `ttlMs` (see ttlCache). */
export function cachedRoutingSource(source: RoutingSource, ttlMs: number, now: () => number = Date.now): RoutingSource {
  const cached = ttlCache(ttlMs, now);
  return {
    settings: (a) => cached(`settings\0${a}`, () => source.settings(a)),
    globalReceivers: (a) => cached(`global\0${a}`, () => source.globalReceivers(a)),
    tenantReceivers: (a, t) => cached(`tenant\0${a}\0${t}`, () => source.tenantReceivers(a, t)),
    access: (a, c, n) => cached(`access\0${a}\0${c}\0${n}`, () => source.access(a, c, n)),
    routers: (a) => cached(`routers\0${a}`, () => source.routers(a)),
    silences: (a) => cached(`silences\0${a}`, () => source.silences(a)),
    inhibitRules: (a) => cached(`inhibit\0${a}`, () => source.inhibitRules(a)),
    // Firing alerts change with every batch; a stale set only delays inhibition by the TTL.
    firingAlerts: (a) => cached(`firing\0${a}`, () => source.firingAlerts(a)),
  };
}
