import { createHash } from 'node:crypto';
import { withLazyModules } from '../pipeline/lazy-module.js';
import { parseDuration } from '../receivers/duration.js';
import { evaluateAlertingRule, type EvaluationSettings, type PostableAlert, type RuleAlerts, type Sample } from './alerting-state.js';
import { groupAppliesTo, prometheusGroup } from './effective-rules.js';
import type { RulesFileSources } from './rules-file.js';
import type { StoredRuleGroup } from './rule-group.js';

/** What the evaluator keeps of one group in one cluster between evaluations. */
export interface GroupEvaluationState {
  /** The evaluation slot (ms since the epoch) the state is for. */
  evaluatedAt: number;
  /** Each rule's alerts, by the rule's key. */
  rules: Record<string, RuleAlerts>;
  /** The group's `createdAt` when this state began: a group deleted and created again starts afresh. */
  groupCreatedAt?: string;
  version: number;
}

/** Evaluation state by (account, cluster, group), written only over the version read. */
export interface RuleStateStore {
  /** Every group's state in one cluster, by group key. */
  list(accountId: string, clusterId: string): Promise<Map<string, GroupEvaluationState>>;
  /** False when the stored version is no longer `expectedVersion` (another evaluation got there first). */
  put(accountId: string, clusterId: string, groupKey: string, state: GroupEvaluationState, expectedVersion: number): Promise<boolean>;
  /** Deletes a group's state unless another evaluation wrote over `expectedVersion`; false then. */
  delete(accountId: string, clusterId: string, groupKey: string, expectedVersion: number): Promise<boolean>;
  /** Deletes every group's state in a cluster (its central evaluation stopped); answers how many. */
  deleteCluster(accountId: string, clusterId: string): Promise<number>;
}

export interface ClusterEvaluationDependencies {
  sources: RulesFileSources;
  /** An instant query against the cluster's endpoint; throws when the answer is missing or partial. */
  query(expr: string, at: Date): Promise<Sample[]>;
  state: RuleStateStore;
  /** Queues alerts as the cluster's Prometheus would post them. */
  publish(alerts: PostableAlert[]): Promise<void>;
  now: () => Date;
  settings: Omit<EvaluationSettings, 'intervalMs'>;
  /** A group's interval when it sets none (Prometheus' global evaluation_interval). */
  defaultIntervalMs: number;
}

/** What one evaluation run did, for logs and tests. */
export interface ClusterEvaluationReport {
  evaluated: string[];
  /** Groups whose current slot was already evaluated (an overlapping or retried run). */
  alreadyEvaluated: string[];
  /** Groups evaluated whose state did not change: nothing written. */
  unchanged: string[];
  /** Another run wrote first: this run's result was dropped. */
  conflicts: string[];
  /** State of groups that no longer apply here (deleted, disabled, their tenant unbound or deleted): deleted. */
  removed: string[];
  errors: Array<{ group: string; alert: string; error: string }>;
  sent: number;
}

/** The group's evaluation slot at `now`: slots of its interval, offset by a hash of its key as Prometheus offsets groups. */
export function evaluationSlot(groupKey: string, intervalMs: number, now: number): number {
  const offset = createHash('sha256').update(groupKey).digest().readUInt32BE(0) % intervalMs;
  return Math.floor((now - offset) / intervalMs) * intervalMs + offset;
}

function ruleKey(alert: string, expr: string): string {
  return createHash('sha256').update(`${alert}\u0000${expr}`).digest('base64url').slice(0, 16);
}

/**
 * Evaluates a cluster's rule groups centrally, against a store that holds
 * many clusters' series (so the `cluster` matcher is injected as well as the
 * namespace). Each group runs once per slot: the state read says whether
 * its slot is done, and the state is written only over the version read,
 * so overlapping or retried runs change nothing and send nothing twice. A
 * rule whose query fails (or is partial) keeps its state, as Prometheus
 * does; a result that changes nothing writes nothing. Alerts are queued
 * after their state is written.
 *
 * State is kept only for the groups that apply now: the state of a group
 * that was deleted, disabled, moved, or whose tenant lost the namespace (or
 * was deleted) is deleted here, and a group deleted and created again under
 * the same name starts from no state, as a rule removed from and added back
 * to Prometheus' rule file does. Alerts it had sent are not resolved
 * (Prometheus 2.42 sends nothing for a removed rule either): they end at
 * their `endsAt`, at most 4 × max(resendDelay, interval) after their last send.
 */
export async function evaluateCluster(cluster: { accountId: string; id: string; name: string }, deps: ClusterEvaluationDependencies): Promise<ClusterEvaluationReport> {
  const report: ClusterEvaluationReport = { evaluated: [], alreadyEvaluated: [], unchanged: [], conflicts: [], removed: [], errors: [], sent: 0 };
  const [groups, states] = await Promise.all([applicableGroups(cluster, deps.sources), deps.state.list(cluster.accountId, cluster.id)]);
  const now = deps.now().getTime();
  const applicable = new Set<string>();
  for (const group of groups) {
    const rendered = prometheusGroup(group, { kind: 'shared-store', clusters: [cluster.name] });
    const groupKey = rendered.name;
    applicable.add(groupKey);
    const intervalMs = rendered.interval === undefined ? deps.defaultIntervalMs : parseDuration(rendered.interval);
    const slot = evaluationSlot(`${cluster.id}/${groupKey}`, intervalMs, now);
    const found = states.get(groupKey);
    // State written before the group was deleted and created again belongs to another group: overwritten, never continued.
    const stale = found?.groupCreatedAt !== undefined && found.groupCreatedAt !== group.createdAt;
    const stored = stale ? undefined : found;
    if (stored !== undefined && stored.evaluatedAt >= slot) {
      report.alreadyEvaluated.push(groupKey);
      continue;
    }
    const settings = { ...deps.settings, intervalMs };
    const rules: Record<string, RuleAlerts> = {};
    const send: PostableAlert[] = [];
    for (const rule of rendered.rules) {
      const key = ruleKey(rule.alert, rule.expr);
      const previous = stored?.rules[key] ?? {};
      try {
        const samples = await deps.query(rule.expr, new Date(slot));
        const spec = {
          alert: rule.alert,
          expr: rule.expr,
          labels: rule.labels,
          annotations: rule.annotations ?? {},
          forMs: rule.for === undefined ? 0 : parseDuration(rule.for),
          keepFiringForMs: rule.keep_firing_for === undefined ? 0 : parseDuration(rule.keep_firing_for),
        };
        // Pure, so it may run again once RE2 is loaded for a template's reReplaceAll or match.
        const result = await withLazyModules(() => evaluateAlertingRule(spec, samples, previous, slot, settings));
        rules[key] = result.alerts;
        send.push(...result.send);
      } catch (error) {
        rules[key] = previous;
        report.errors.push({ group: groupKey, alert: rule.alert, error: error instanceof Error ? error.message : String(error) });
      }
    }
    report.evaluated.push(groupKey);
    if (stored !== undefined && JSON.stringify(rules) === JSON.stringify(stored.rules)) {
      report.unchanged.push(groupKey);
      continue;
    }
    const version = found?.version ?? 0;
    if (!(await deps.state.put(cluster.accountId, cluster.id, groupKey, { evaluatedAt: slot, rules, groupCreatedAt: group.createdAt, version: version + 1 }, version))) {
      report.conflicts.push(groupKey);
      continue;
    }
    if (send.length > 0) await deps.publish(send);
    report.sent += send.length;
  }
  for (const [groupKey, state] of states) {
    if (applicable.has(groupKey)) continue;
    if (await deps.state.delete(cluster.accountId, cluster.id, groupKey, state.version)) report.removed.push(groupKey);
  }
  return report;
}

/** The groups a cluster evaluates, with namespace groups only while their tenant may see the namespace there. */
async function applicableGroups(cluster: { accountId: string; name: string }, sources: RulesFileSources): Promise<StoredRuleGroup[]> {
  const candidates = (await sources.ruleGroups.list(cluster.accountId)).filter((group) => groupAppliesTo(group, cluster.name));
  const allowed = await Promise.all(
    candidates.map(async (group) => group.level !== 'namespace' || (await sources.tenantsOf(cluster.accountId, cluster.name, group.namespace)).some((e) => e.tenantId === group.tenantId)),
  );
  return candidates.filter((_, i) => allowed[i]);
}
