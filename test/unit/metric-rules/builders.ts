import type { MetricRule, StoredRuleGroup } from '../../../lib/metric-rules/rule-group.js';

/** A rule written with `expr`, as groups of every level take it. */
type ExprRule = Omit<MetricRule, 'exprBuilder'>;

/** A rule as the API stores it after defaults. */
export function aMetricRule(overrides: Partial<ExprRule> = {}): ExprRule {
  return { alert: 'HighErrorRate', expr: 'rate(http_errors_total[5m]) > 1', severity: 'warning', labels: {}, annotations: {}, disable: false, ...overrides };
}

const stored = { accountId: 'acme', enabled: true, inhibitRuleIds: [], createdAt: '2026-12-02T00:00:00.000Z', updatedAt: '2026-12-02T00:00:00.000Z', version: 1 };

export function aNamespaceGroup(overrides: Partial<Extract<StoredRuleGroup, { level: 'namespace' }>> = {}): StoredRuleGroup {
  return { ...stored, level: 'namespace', name: 'shop-alerts', tenantId: 'team-a', namespace: 'shop', rules: [aMetricRule()], ...overrides };
}

export function aClusterGroup(overrides: Partial<Extract<StoredRuleGroup, { level: 'cluster' }>> = {}): StoredRuleGroup {
  return { ...stored, level: 'cluster', name: 'nodes', cluster: 'prod-eu', rules: [aMetricRule({ alert: 'NodeLoadHigh', expr: 'node_load1 > 4' })], ...overrides };
}

export function aGlobalGroup(overrides: Partial<Extract<StoredRuleGroup, { level: 'global' }>> = {}): StoredRuleGroup {
  return { ...stored, level: 'global', name: 'fleet', rules: [aMetricRule({ alert: 'TargetDown', expr: 'up == 0' })], ...overrides };
}
