import type { Alert } from '../alert/alert.js';
import { resolveGroupingOptions, type GroupingOptionsInput } from '../aggregate/grouping-options.js';
import type { InhibitRule } from '../inhibit/rule.js';
import { Inhibitor, type InhibitionSource } from '../inhibit/inhibitor.js';
import { compileSelector, type Selector } from '../matchers/selector.js';
import type { RoutedAlertsMessage } from '../pipeline/messages.js';
import { receiverLabel, receiverRef, type Receiver } from '../receivers/receiver.js';
import { combineMuters, describeMute, type MuteReason, type Muter, type ReceiverOwner } from '../silence/muter.js';
import { createSilenceMuter } from '../silence/silencer.js';
import type { Silence } from '../silence/silence.js';
import { accessKey, type AccessEntry } from '../tenancy/tenant.js';
import type { RoutePolicy, Router } from './router.js';
import { Matcher } from '../matchers/matcher.js';
import type { SelectorSpec } from '../matchers/selector.js';

/** Everything routing needs for one batch, loaded beforehand so the decision itself is pure and synchronous. */
export interface RoutingSnapshot {
  policy: RoutePolicy;
  /** Account-wide grouping defaults under each receiver's own. */
  groupingDefaults?: GroupingOptionsInput;
  globalReceivers: readonly Receiver[];
  /** Receivers of every tenant that can matter for this batch (with access, or named by a router). */
  tenantReceivers: ReadonlyMap<string, readonly Receiver[]>;
  /** `accessKey(cluster, namespace)` -> the tenants that may see it, for every namespace of the batch and of the firing alerts. */
  access: ReadonlyMap<string, readonly AccessEntry[]>;
  routers: readonly Router[];
  silences: readonly Silence[];
  inhibitRules: readonly InhibitRule[];
  /** The account's firing alerts (including this batch's), sources for inhibition. */
  firingAlerts: readonly InhibitionSource[];
}

/** Why one receiver got, or did not get, one alert. */
export interface ReceiverDecision {
  receiver: string;
  channel: string;
  /** How it matched: `global receiver`, `tenant team-a (binding)`, `router critical-to-pager`. */
  via: string[];
  /** `unreached`: routing never chose the receiver (only the explain endpoint lists these, see {@link unreachedReceivers}). */
  outcome: 'delivered' | 'disabled' | 'filtered' | 'silenced' | 'inhibited' | 'unreached';
  /** For filtered/silenced/inhibited: which requirement, silence or inhibiting alert. */
  detail?: string;
  mute?: MuteReason;
}

/** The whole decision for one alert, for the explain endpoint and the alert's history. */
export interface AlertRouting {
  fingerprint: string;
  tenants: Array<{ tenantId: string; via: string }>;
  routers: string[];
  receivers: ReceiverDecision[];
}

export interface RoutingResult {
  messages: RoutedAlertsMessage[];
  decisions: AlertRouting[];
}

/**
 * Decides which receivers get each alert, as notification-manager does and
 * with its tenancy rule as a security boundary:
 * - global receivers get every alert; a tenant's receivers get an alert only
 *   when it has a namespace label and the tenant may see that (cluster,
 *   namespace), whichever way they were selected (tenancy or router);
 * - routers add receivers per the account's route policy;
 * - each receiver's filter, then silences and inhibit rules whose scope covers
 *   the receiver's owner, may stop it; one receiver gets an alert at most once.
 */
export function routeAlerts(alerts: readonly Alert[], snapshot: RoutingSnapshot, now: Date): RoutingResult {
  const context = new RoutingContext(snapshot);
  const byReceiver = new Map<string, { receiver: Receiver; alerts: Alert[] }>();
  const decisions = alerts.map((alert) => {
    const decision = context.route(alert, now);
    for (const candidate of decision.delivered) {
      const key = receiverLabel(candidate);
      const bucket = byReceiver.get(key) ?? { receiver: candidate, alerts: [] };
      bucket.alerts.push(alert);
      byReceiver.set(key, bucket);
    }
    return decision.routing;
  });
  const messages = [...byReceiver.values()].map(({ receiver, alerts: routed }) => ({
    type: 'routed-alerts' as const,
    receiver: receiverRef(receiver),
    grouping: resolveGroupingOptions(receiver.grouping, snapshot.groupingDefaults),
    alerts: routed,
  }));
  return { messages, decisions };
}

/**
 * Why each receiver routing did not choose was not reached, for the explain
 * endpoint: the global receivers and those of `tenants` (the snapshot's, plus
 * any the caller adds, e.g. the asking tenant's own) that are not in `routing`.
 */
export function unreachedReceivers(
  alert: Alert,
  snapshot: RoutingSnapshot,
  routing: AlertRouting,
  tenants: ReadonlyMap<string, readonly Receiver[]> = snapshot.tenantReceivers,
): ReceiverDecision[] {
  const considered = new Set(routing.receivers.map((decision) => decision.receiver));
  const visible = new Set(routing.tenants.map((tenant) => tenant.tenantId));
  const namespace = alert.labels.namespace;
  const routers = routing.routers.length === 0 ? 'no router matches the alert' : `the routers that match (${routing.routers.join(', ')}) do not name it`;
  const byPolicy =
    snapshot.policy === 'RouterOnly'
      ? `route policy RouterOnly: ${routers}`
      : snapshot.policy === 'RouterFirst' && routing.routers.length > 0
        ? `route policy RouterFirst: ${routers}`
        : undefined;
  const why = (receiver: Receiver): string => {
    if (receiver.tenantId === undefined || visible.has(receiver.tenantId)) return byPolicy ?? 'not chosen by routing';
    if (namespace === undefined) return `the alert has no namespace label, so only global receivers get it (tenant ${receiver.tenantId})`;
    if (alert.cluster === '') return `the alert has no cluster label, so no tenant can see its namespace (tenant ${receiver.tenantId})`;
    return `tenant ${receiver.tenantId} may not see namespace ${namespace} in cluster ${alert.cluster}`;
  };
  const candidates = [...snapshot.globalReceivers, ...[...tenants.values()].flat()];
  return candidates
    .filter((receiver) => !considered.has(receiverLabel(receiver)))
    .map((receiver) => ({ receiver: receiverLabel(receiver), channel: receiver.channel, via: [], outcome: 'unreached' as const, detail: why(receiver) }));
}

/** The tenants that may see an alert: those with access to its (cluster, namespace). */
export function tenantsSeeing(alert: Alert, snapshot: Pick<RoutingSnapshot, 'access'>): string[] {
  const namespace = alert.labels.namespace;
  if (namespace === undefined) return [];
  return [...new Set((snapshot.access.get(accessKey(alert.cluster, namespace)) ?? []).map((entry) => entry.tenantId))];
}

/** Per-snapshot caches: compiled selectors, patterns and muters are built once per batch, not per alert. */
class RoutingContext {
  private readonly selectors = new WeakMap<object, Selector>();
  private readonly muters = new Map<string, Muter>();
  private readonly patterns = new Map<string, Matcher>();
  private readonly globalByName: Map<string, Receiver>;

  constructor(private readonly snapshot: RoutingSnapshot) {
    this.globalByName = new Map(snapshot.globalReceivers.map((receiver) => [receiver.name, receiver]));
  }

  route(alert: Alert, now: Date): { routing: AlertRouting; delivered: Receiver[] } {
    const { snapshot } = this;
    const namespace = alert.labels.namespace;
    const entries = namespace === undefined ? [] : (snapshot.access.get(accessKey(alert.cluster, namespace)) ?? []);
    const visibleTenants = new Set(entries.map((entry) => entry.tenantId));
    const candidates = new Map<string, { receiver: Receiver; via: string[] }>();
    const add = (receiver: Receiver, via: string) => {
      if (receiver.tenantId !== undefined && !visibleTenants.has(receiver.tenantId)) return;
      const key = receiverLabel(receiver);
      const existing = candidates.get(key);
      if (existing === undefined) candidates.set(key, { receiver, via: [via] });
      else if (!existing.via.includes(via)) existing.via.push(via);
    };

    const matchedRouters = snapshot.routers.filter((router) => router.enabled && this.selector(router.selector).matches(alert.labels));
    const byTenancy = () => {
      for (const receiver of snapshot.globalReceivers) add(receiver, 'global receiver');
      for (const entry of entries) {
        const via = entry.via.kind === 'binding' ? 'binding' : `workspace ${entry.via.workspace}`;
        for (const receiver of snapshot.tenantReceivers.get(entry.tenantId) ?? []) add(receiver, `tenant ${entry.tenantId} (${via})`);
      }
    };
    const byRouters = () => {
      for (const router of matchedRouters) {
        for (const receiver of this.routerTargets(router, visibleTenants)) add(receiver, `router ${router.name}`);
      }
    };
    if (snapshot.policy === 'All') {
      byTenancy();
      byRouters();
    } else if (snapshot.policy === 'RouterFirst') {
      if (matchedRouters.length > 0) byRouters();
      else byTenancy();
    } else {
      byRouters();
    }

    const decisions: ReceiverDecision[] = [];
    const delivered: Receiver[] = [];
    for (const { receiver, via } of candidates.values()) {
      const base = { receiver: receiverLabel(receiver), channel: receiver.channel, via };
      if (!receiver.enabled) {
        decisions.push({ ...base, outcome: 'disabled' });
        continue;
      }
      if (receiver.filter !== undefined) {
        const unmet = this.selector(receiver.filter).firstUnmet(alert.labels);
        if (unmet !== undefined) {
          decisions.push({ ...base, outcome: 'filtered', detail: `receiver filter requires ${unmet}` });
          continue;
        }
      }
      const owner: ReceiverOwner = receiver.tenantId === undefined ? { kind: 'global' } : { kind: 'tenant', tenantId: receiver.tenantId };
      const mute = this.muter(owner).mutes(alert, now);
      if (mute !== undefined) {
        decisions.push({
          ...base,
          outcome: mute.kind === 'silence' ? 'silenced' : 'inhibited',
          detail: describeMute(mute),
          mute,
        });
        continue;
      }
      decisions.push({ ...base, outcome: 'delivered' });
      delivered.push(receiver);
    }
    return {
      routing: {
        fingerprint: alert.fingerprint,
        tenants: entries.map((entry) => ({
          tenantId: entry.tenantId,
          via: entry.via.kind === 'binding' ? 'binding' : `workspace ${entry.via.workspace}`,
        })),
        routers: matchedRouters.map((router) => router.name),
        receivers: decisions,
      },
      delivered,
    };
  }

  /** A router's receivers among the global ones and those of the tenants it names or that can see the alert. */
  private routerTargets(router: Router, visibleTenants: ReadonlySet<string>): Receiver[] {
    const { target } = router;
    const tenantPool = target.tenants ?? [...visibleTenants];
    const pool = [...this.snapshot.globalReceivers, ...tenantPool.flatMap((tenant) => this.snapshot.tenantReceivers.get(tenant) ?? [])];
    const chosen: Receiver[] = [];
    if (target.tenants !== undefined) {
      for (const tenant of target.tenants) chosen.push(...(this.snapshot.tenantReceivers.get(tenant) ?? []));
    }
    for (const name of target.receivers ?? []) {
      const slash = name.indexOf('/');
      const receiver =
        slash === -1
          ? this.globalByName.get(name)
          : this.snapshot.tenantReceivers.get(name.slice(0, slash))?.find((r) => r.name === name.slice(slash + 1));
      if (receiver !== undefined) chosen.push(receiver);
    }
    if (target.receiverPattern !== undefined || target.channels !== undefined) {
      const pattern = target.receiverPattern === undefined ? undefined : this.pattern(target.receiverPattern);
      for (const receiver of pool) {
        if (pattern !== undefined && !pattern.matchesValue(receiverLabel(receiver))) continue;
        if (target.channels !== undefined && !target.channels.includes(receiver.channel)) continue;
        chosen.push(receiver);
      }
    }
    return chosen;
  }

  private pattern(source: string): Matcher {
    let pattern = this.patterns.get(source);
    if (pattern === undefined) {
      pattern = new Matcher('receiver', '=~', source);
      this.patterns.set(source, pattern);
    }
    return pattern;
  }

  private selector(spec: SelectorSpec): Selector {
    let selector = this.selectors.get(spec);
    if (selector === undefined) {
      selector = compileSelector(spec);
      this.selectors.set(spec, selector);
    }
    return selector;
  }

  /** Silences and inhibit rules that cover this owner; a tenant's inhibit rules only see alerts the tenant may see. */
  private muter(owner: ReceiverOwner): Muter {
    const key = owner.kind === 'global' ? '' : owner.tenantId;
    let muter = this.muters.get(key);
    if (muter === undefined) {
      const sources =
        owner.kind === 'global'
          ? this.snapshot.firingAlerts
          : this.snapshot.firingAlerts.filter((alert) => this.tenantMaySee(owner.tenantId, alert));
      muter = combineMuters([
        createSilenceMuter(this.snapshot.silences, { audience: owner }),
        new Inhibitor(this.snapshot.inhibitRules, sources, { audience: owner }),
      ]);
      this.muters.set(key, muter);
    }
    return muter;
  }

  private tenantMaySee(tenantId: string, alert: InhibitionSource): boolean {
    const namespace = alert.labels.namespace;
    const cluster = alert.labels.cluster;
    if (namespace === undefined || cluster === undefined) return false;
    return (this.snapshot.access.get(accessKey(cluster, namespace)) ?? []).some((entry) => entry.tenantId === tenantId);
  }
}
