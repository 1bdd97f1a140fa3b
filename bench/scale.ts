/**
 * Figure 4: how routing and rule evaluation scale, in memory (no I/O), on
 * this process's CPU.
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { Receiver } from '../lib/receivers/receiver.js';
import { compileRuleSet, evaluateSignal, normalizeSignal, type EvaluationContext, type RuleSpec } from '../lib/rules/index.js';
import { anAlert } from '../test/helpers/builders.js';
import { ROUTING_TARGET, TENANT_ROUTING_TARGET, routeBatch, routeTenantBatch } from './routing-target.js';
import type { RoutingSource } from '../lib/route/routing-source.js';
import { accessKey, type AccessEntry } from '../lib/tenancy/tenant.js';
import { re2 } from '../lib/matchers/regex-engine.js';
import { croner } from '../lib/silence/schedule.js';
import { handlebars } from '../lib/templates/handlebars-module.js';

// The functions load these on first need; the figures here are the compile and match work, so load them first.
await Promise.all([re2.load(), croner.load(), handlebars.load()]);

export interface RoutingRow {
  receivers: number;
  alertsPerBatch: number;
  /** Microseconds per alert routed (one batch call divided by its alerts). */
  usPerAlert: number;
  /** Nanoseconds per (alert, receiver) pair. */
  nsPerAlertReceiver: number;
  iterations: number;
}

export interface FilterRow {
  rules: number;
  compileMs: number;
  eventsPerSecond: number;
  /** Rules whose condition is tested per event (index candidates plus unindexed rules), on average. */
  rulesTestedPerEvent: number;
  alertsPerEvent: number;
  events: number;
}

/** Runs `task` until `minMs` passed (at least `minIterations` times) after one warm-up call; ms per call. */
function timeIt(task: () => void, minMs: number, minIterations = 3): { msPerCall: number; iterations: number } {
  task();
  let iterations = 0;
  const started = performance.now();
  while (iterations < minIterations || performance.now() - started < minMs) {
    task();
    iterations++;
  }
  return { msPerCall: (performance.now() - started) / iterations, iterations };
}

export const ROUTING_DESCRIPTION = `${ROUTING_TARGET}; batches of 100 alerts (a typical queue message; fewer when alerts × receivers would pass 200,000); receivers in memory, all enabled, a third with no filter, a third filtering severity=critical, a third one namespace (of 20)`;

export function measureRouting(receiverCounts: readonly number[], log: (line: string) => void): RoutingRow[] {
  const allAlerts = Array.from({ length: 100 }, (_, i) =>
    anAlert({ labels: { alertname: `Alert${i % 10}`, severity: i % 3 === 0 ? 'critical' : 'warning', namespace: `ns-${i % 20}`, pod: `pod-${i}`, cluster: 'prod-eu' } }),
  );
  return receiverCounts.map((count) => {
    // Cost grows with alerts × receivers: smaller batches for huge receiver lists keep one call near a second.
    const alerts = allAlerts.slice(0, Math.min(100, Math.max(1, Math.floor(200_000 / count))));
    const receivers: Receiver[] = Array.from({ length: count }, (_, i) => ({
      accountId: 'acme',
      name: `receiver-${i}`,
      channel: 'webhook',
      enabled: true,
      settings: { url: `https://hooks.example/${i}` },
      grouping: { groupBy: i % 2 === 0 ? ['alertname'] : ['alertname', 'namespace'], groupWaitMs: 30_000, groupIntervalMs: 300_000 },
      // A third take everything, a third only critical alerts, a third one namespace.
      ...(i % 3 === 1 ? { filter: { matchLabels: { severity: 'critical' } } } : {}),
      ...(i % 3 === 2 ? { filter: { matchers: [`namespace="ns-${i % 20}"`] } } : {}),
      createdAt: '2026-11-25T10:00:00Z',
      updatedAt: '2026-11-25T10:00:00Z',
      version: 1,
    }));
    const { msPerCall, iterations } = timeIt(() => void routeBatch(alerts, receivers), 500);
    log(`  ${count} receivers: ${((msPerCall * 1000) / alerts.length).toFixed(1)} µs per alert`);
    return {
      receivers: count,
      alertsPerBatch: alerts.length,
      usPerAlert: (msPerCall * 1000) / alerts.length,
      nsPerAlertReceiver: (msPerCall * 1e6) / (alerts.length * count),
      iterations,
    };
  });
}

export const TENANT_ROUTING_DESCRIPTION = TENANT_ROUTING_TARGET;

export interface TenantRoutingRow {
  receivers: number;
  tenants: number;
  usPerAlert: number;
  iterations: number;
}

/**
 * Issue 4's scenario: routing time per alert with 10, 1,000 and 100,000
 * receivers across 10,000 tenants. An alert only involves the tenants of its
 * namespace, so the time should stay nearly flat as the account grows.
 */
export async function measureTenantRouting(receiverCounts: readonly number[], log: (line: string) => void): Promise<TenantRoutingRow[]> {
  const TENANTS = 10_000;
  const rows: TenantRoutingRow[] = [];
  for (const count of receiverCounts) {
    const receiverOf = (tenant: number, i: number): Receiver => ({
      accountId: 'acme',
      tenantId: `t-${tenant}`,
      name: `r-${i}`,
      channel: 'webhook',
      enabled: true,
      settings: { url: 'https://hooks.example/x' },
      ...(i % 2 === 0 ? { filter: { matchLabels: { severity: 'critical' } } } : {}),
      createdAt: '2026-11-25T10:00:00Z',
      updatedAt: '2026-11-25T10:00:00Z',
      version: 1,
    });
    const byTenant = new Map<string, Receiver[]>();
    for (let i = 0; i < count; i++) {
      const tenant = i % TENANTS;
      const list = byTenant.get(`t-${tenant}`) ?? [];
      list.push(receiverOf(tenant, i));
      byTenant.set(`t-${tenant}`, list);
    }
    const access = new Map<string, AccessEntry[]>();
    for (let t = 0; t < TENANTS; t++) {
      access.set(accessKey('prod-eu', `ns-${t}`), [{ cluster: 'prod-eu', namespace: `ns-${t}`, tenantId: `t-${t}`, via: { kind: 'binding' } }]);
    }
    const globals = [0, 1, 2].map((i): Receiver => {
      const { tenantId: _tenant, ...global } = receiverOf(0, i);
      return { ...global, name: `global-${i}` };
    });
    const source: RoutingSource = {
      settings: async () => undefined,
      globalReceivers: async () => globals,
      tenantReceivers: async (_a, tenant) => byTenant.get(tenant) ?? [],
      access: async (_a, cluster, namespace) => access.get(accessKey(cluster, namespace)) ?? [],
      routers: async () => [],
      silences: async () => [],
      inhibitRules: async () => [],
      firingAlerts: async () => [],
    };
    // Namespaces of tenants that hold receivers in every configuration (tenant i gets receiver i first).
    const alerts = Array.from({ length: 100 }, (_, i) =>
      anAlert({ labels: { alertname: `Alert${i % 10}`, severity: i % 2 === 0 ? 'critical' : 'warning', namespace: `ns-${i % 10}`, pod: `p-${i}`, cluster: 'prod-eu' } }),
    );
    await routeTenantBatch('acme', alerts, source);
    let iterations = 0;
    const started = performance.now();
    while (iterations < 5 || performance.now() - started < 500) {
      await routeTenantBatch('acme', alerts, source);
      iterations++;
    }
    const usPerAlert = ((performance.now() - started) * 1000) / (iterations * alerts.length);
    log(`  ${count} receivers across ${TENANTS} tenants: ${usPerAlert.toFixed(1)} µs per alert`);
    rows.push({ receivers: count, tenants: TENANTS, usPerAlert, iterations });
  }
  return rows;
}

const EVENT_REASONS = [
  'BackOff', 'Failed', 'FailedScheduling', 'FailedMount', 'FailedAttachVolume', 'Unhealthy', 'Evicted', 'OOMKilling',
  'SystemOOM', 'NodeNotReady', 'FailedCreate', 'FailedKillPod', 'FailedSync', 'NetworkNotReady', 'Rebooted', 'FreeDiskSpaceFailed',
  'FailedCreatePodSandBox', 'FailedPreStopHook', 'ProvisioningFailed', 'FailedBinding', 'BackoffLimitExceeded', 'DeadlineExceeded',
  'FailedGetScale', 'FailedComputeMetricsReplicas', 'Killing', 'Pulled', 'Created', 'Started', 'Scheduled', 'SuccessfulCreate',
];
const KINDS = ['Pod', 'Node', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'PersistentVolumeClaim'];
const RESOURCES = ['pods', 'secrets', 'configmaps', 'deployments', 'roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', 'namespaces', 'serviceaccounts', 'services', 'nodes'];
const VERBS = ['create', 'update', 'patch', 'delete', 'get', 'list'];
// Namespaces of the fixtures appear among many others, so some rules match and most do not.
const NAMESPACES = ['shop', 'payments', 'kube-system', ...Array.from({ length: 197 }, (_, i) => `team-${i}`)];

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/**
 * Rules as a busy account would have them. Per 20 rules: 12 event rules on
 * `reason` = one value plus a namespace (indexed), 3 event rules on `reason in
 * (...)` plus a kind (indexed), 4 audit rules on `objectRef.resource` plus
 * verbs and a user pattern (indexed), 1 regex on the message or request URI
 * with no indexable field (scanned for every event). One in five rules
 * belongs to a tenant and is scoped to a namespace.
 */
export function generateRules(count: number): RuleSpec[] {
  return Array.from({ length: count }, (_, i): RuleSpec => {
    const slot = i % 20;
    const namespace = pick(NAMESPACES, i * 7);
    const tenant = i % 5 === 4;
    const base = {
      name: `rule-${i}`,
      enabled: true,
      kind: 'alert' as const,
      severity: pick(['warning', 'critical', 'info'] as const, i),
      labels: { team: tenant ? `team-${i % 2 === 0 ? 'a' : 'b'}` : 'platform' },
      annotations: { summary: '{{involvedObject.kind}}{{objectRef.resource}} {{involvedObject.name}}{{objectRef.name}} matched rule ' + i },
      scope: tenant ? ({ level: 'namespace', namespace } as const) : ({ level: 'cluster' } as const),
      owner: tenant ? ({ type: 'tenant', tenantId: `team-${i % 2 === 0 ? 'a' : 'b'}` } as const) : ({ type: 'global' } as const),
    };
    if (slot < 12) {
      return { ...base, signal: 'event', condition: `type = "Warning" and reason = "${pick(EVENT_REASONS, i)}" and involvedObject.namespace = "${namespace}"` };
    }
    if (slot < 15) {
      const reasons = [pick(EVENT_REASONS, i), pick(EVENT_REASONS, i + 3), pick(EVENT_REASONS, i + 11)].map((r) => `"${r}"`).join(', ');
      return { ...base, signal: 'event', condition: `involvedObject.kind = "${pick(KINDS, i)}" and reason in (${reasons}) and count >= ${1 + (i % 5)}` };
    }
    if (slot < 19) {
      return {
        ...base,
        signal: 'audit',
        condition: `objectRef.resource = "${pick(RESOURCES, i)}" and verb in ("${pick(VERBS, i)}", "${pick(VERBS, i + 1)}") and user.username like "*@example.com" and objectRef.namespace = "${namespace}"`,
      };
    }
    return i % 40 === 19
      ? { ...base, signal: 'event', condition: `message regex ".*(?:timeout|deadline exceeded|connection refused).*${namespace}.*"` }
      : { ...base, signal: 'audit', condition: `requestURI regex "/apis?/.*/namespaces/${namespace}/.*"` };
  });
}

function fixtureEvents(): unknown[] {
  const read = (name: string) => JSON.parse(readFileSync(new URL(`../test/fixtures/kubernetes/${name}.json`, import.meta.url), 'utf8')) as unknown;
  const events: unknown[] = [];
  for (const name of ['core-v1-events', 'events-k8s-io-v1-events', 'exporter-enhanced-events', 'audit-events']) {
    events.push(...Object.values(read(name) as Record<string, unknown>));
  }
  events.push(...(read('audit-event-list') as { items: unknown[] }).items);
  // Keep what the engine accepts as one signal (it rejects lists and other shapes).
  return events.filter((event) => {
    try {
      normalizeSignal(event);
      return true;
    } catch {
      return false;
    }
  });
}

export const FILTER_DESCRIPTION =
  'compileRuleSet + evaluateSignal over the Kubernetes event and audit fixtures (raw, normalised per call), rules from generateRules (bench/scale.ts): 60% event `reason =` + namespace, 15% event `reason in (...)` + kind + count, 20% audit `objectRef.resource =` + verbs + user like + namespace (all indexed), 5% regex on message/requestURI (unindexed, tested for every event); 20% tenant-owned, namespace-scoped';

export function measureFilter(ruleCounts: readonly number[], log: (line: string) => void): FilterRow[] {
  const events = fixtureEvents();
  const context: EvaluationContext = {
    cluster: 'prod-eu',
    now: new Date('2026-11-25T10:00:00Z'),
    namespaceAccess: (namespace) => ({ workspace: 'main', tenants: new Set(namespace === 'shop' ? ['team-a'] : namespace === 'payments' ? ['team-b'] : []) }),
  };
  return ruleCounts.map((count) => {
    const started = performance.now();
    const ruleSet = compileRuleSet(generateRules(count));
    const compileMs = performance.now() - started;
    if (ruleSet.rejected.length > 0) throw new Error(`generated rule rejected: ${ruleSet.rejected[0]!.error.message}`);
    const { msPerCall } = timeIt(() => {
      for (const event of events) evaluateSignal(ruleSet, event, context);
    }, 1000);
    const eventsPerSecond = (events.length * 1000) / msPerCall;
    let alerts = 0;
    let tested = 0;
    for (const event of events) {
      alerts += evaluateSignal(ruleSet, event, context).length;
      // The index is internal to the rule set; read here only to show how many rules an event is tested against.
      const signal = normalizeSignal(event);
      const index = ruleSet.indexes[signal.type];
      tested += index.alert.candidates(signal.doc).length + index.drop.candidates(signal.doc).length;
    }
    log(`  ${count} rules: compiled in ${compileMs.toFixed(0)} ms, ${eventsPerSecond.toFixed(0)} events/s`);
    return { rules: count, compileMs, eventsPerSecond, rulesTestedPerEvent: tested / events.length, alertsPerEvent: alerts / events.length, events: events.length };
  });
}
