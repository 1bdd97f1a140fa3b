import type { ApiMatcher } from '../matchers/api-matcher.js';
import { Matcher } from '../matchers/matcher.js';
import { nodeExpr, workloadExpr } from './expr-builder.js';
import { injectLabels, type EnforcedLabel } from './label-injection.js';
import { escapeRegex } from './promql-text.js';
import { SEVERITY_ORDER, type MetricRule, type NameSelector, type RuleLevel, type Severity, type StoredRuleGroup } from './rule-group.js';

/** One alerting rule as a Prometheus rule file holds it. */
export interface PrometheusAlertingRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  /** The rule's labels, with the severity of its level (or its own) always set. */
  labels: Record<string, string> & { severity: Severity };
  annotations?: Record<string, string>;
}

/** One group of a Prometheus rule file. */
export interface PrometheusRuleGroup {
  name: string;
  interval?: string;
  rules: PrometheusAlertingRule[];
}

/** An inhibit rule a rule's levels need, with the id it is stored under in its scope. */
export interface LevelInhibitRule {
  id: string;
  sourceMatchers: ApiMatcher[];
  targetMatchers: ApiMatcher[];
  equal: string[];
}

/**
 * Where the expressions run. `cluster`: that cluster's own Prometheus (or
 * Thanos Ruler, vmalert), whose series are its own, so only the namespace
 * is enforced. `shared-store`: a store holding many clusters' series, where
 * the `cluster` label is enforced too, to the clusters the group reaches.
 */
export type EvaluationSite = { kind: 'cluster'; cluster: string } | { kind: 'shared-store'; clusters: readonly string[] };

/** The matchers every selector of a group's rules must carry at a site. */
export function enforcedLabels(group: StoredRuleGroup, site: EvaluationSite): EnforcedLabel[] {
  const labels: EnforcedLabel[] = [];
  if (group.level === 'namespace') labels.push({ name: 'namespace', values: [group.namespace] });
  if (group.level === 'global' && group.namespaceSelector !== undefined) labels.push(selectorLabel('namespace', group.namespaceSelector));
  if (site.kind === 'shared-store') labels.push({ name: 'cluster', values: site.clusters });
  return labels;
}

function selectorLabel(name: string, selector: NameSelector): EnforcedLabel {
  return 'inValues' in selector ? { name, values: selector.inValues } : { name, matcher: selector.matcher };
}

/** Whether a KubeSphere name selector (absent: everything) selects a name. */
export function selects(selector: NameSelector | undefined, name: string): boolean {
  if (selector === undefined) return true;
  if ('inValues' in selector) return selector.inValues.includes(name);
  return new Matcher('name', selector.matcher.type, selector.matcher.value).matchesValue(name);
}

/** Whether a group applies to a cluster, by name (a namespace group's tenant access is checked by the caller). */
export function groupAppliesTo(group: StoredRuleGroup, cluster: string): boolean {
  if (!group.enabled) return false;
  switch (group.level) {
    case 'namespace':
      return group.cluster === undefined || group.cluster === cluster;
    case 'cluster':
      return group.cluster === cluster;
    case 'global':
      return selects(group.clusterSelector, cluster);
  }
}

/** The expression a rule stands for before any level or injection: written, or built. */
function baseExpr(rule: MetricRule): string {
  if (rule.expr !== undefined) return rule.expr;
  const builder = rule.exprBuilder as { workload?: Parameters<typeof workloadExpr>[0]; node?: Parameters<typeof nodeExpr>[0] };
  if (builder.workload !== undefined) return workloadExpr(builder.workload);
  return nodeExpr(builder.node!);
}

/** Levels from the highest severity down. */
function sortedLevels(levels: readonly RuleLevel[]): RuleLevel[] {
  return [...levels].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

/**
 * A rule as Prometheus rules: one, or one per level (kubegems: the same
 * alert name, `(<expr>) <op> <threshold>`, its own severity). The enforced
 * matchers are injected into each final expression; ExpressionError names
 * a syntax error or a matcher that reads outside the group's scope.
 */
export function expandRule(group: StoredRuleGroup, rule: MetricRule, site: EvaluationSite): PrometheusAlertingRule[] {
  const base = baseExpr(rule);
  const variants: Array<{ expr: string; severity: Severity }> =
    rule.levels === undefined
      ? [{ expr: base, severity: rule.severity }]
      : sortedLevels(rule.levels).map((level) => ({ expr: `(${base}) ${level.comparator} ${String(level.threshold)}`, severity: level.severity }));
  const enforced = enforcedLabels(group, site);
  return variants.map(({ expr, severity }) => ({
    alert: rule.alert,
    expr: injectLabels(expr, enforced),
    ...(rule.for === undefined ? {} : { for: rule.for }),
    ...(rule.keep_firing_for === undefined ? {} : { keep_firing_for: rule.keep_firing_for }),
    // Later wins, as in KubeSphere: what tidings sets overrides what the series carry (label_replace cannot forge a namespace).
    labels: {
      ...rule.labels,
      severity,
      alerttype: 'metric',
      rule_group: group.name,
      rule_level: group.level,
      ...(group.level === 'namespace' ? { namespace: group.namespace } : {}),
      ...(site.kind === 'cluster' ? { cluster: site.cluster } : {}),
    },
    ...(Object.keys(rule.annotations).length === 0 ? {} : { annotations: rule.annotations }),
  }));
}

/** A group's rules (disabled ones left out) as one Prometheus rule group, named so groups of different owners never clash. */
export function prometheusGroup(group: StoredRuleGroup, site: EvaluationSite): PrometheusRuleGroup {
  return {
    name: group.level === 'namespace' ? `namespace/${group.tenantId}/${group.name}` : `${group.level}/${group.name}`,
    ...(group.interval === undefined ? {} : { interval: group.interval }),
    rules: group.rules.filter((rule) => !rule.disable).flatMap((rule) => expandRule(group, rule, site)),
  };
}

const eq = (name: string, value: string): ApiMatcher => ({ name, value, isRegex: false, isEqual: true });

/**
 * The inhibit rules a group's levels need: for each level but the lowest, a
 * rule whose firing alert mutes the same alert's lower levels, for the same
 * `inhibitLabels` (and cluster, and namespace for a namespace group).
 */
export function levelInhibitRules(group: StoredRuleGroup): LevelInhibitRule[] {
  return group.rules.flatMap((rule, index) => {
    if (rule.levels === undefined || rule.levels.length < 2) return [];
    const levels = sortedLevels(rule.levels);
    const same = [eq('alertname', rule.alert), eq('alerttype', 'metric'), eq('rule_group', group.name), eq('rule_level', group.level)];
    const equal = [...new Set([...(rule.inhibitLabels ?? []), 'cluster', ...(group.level === 'namespace' ? ['namespace'] : [])])];
    return levels.slice(0, -1).map((level, i) => ({
      id: `metric.${group.level}.${group.name}.${index}.${level.severity}`,
      sourceMatchers: [...same, eq('severity', level.severity)],
      targetMatchers: [...same, { name: 'severity', value: levels.slice(i + 1).map((l) => escapeRegex(l.severity)).join('|'), isRegex: true, isEqual: true }],
      equal,
    }));
  });
}
