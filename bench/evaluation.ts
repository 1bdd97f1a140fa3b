import { performance } from 'node:perf_hooks';
import type { PostableAlert, Sample } from '../lib/metric-rules/alerting-state.js';
import { evaluateCluster, type GroupEvaluationState, type RuleStateStore } from '../lib/metric-rules/evaluate-cluster.js';
import type { StoredRuleGroup } from '../lib/metric-rules/rule-group.js';

/** One phase of the central evaluation benchmark: every cluster evaluated once at one slot. */
export interface EvaluationPhase {
  phase: string;
  rules: number;
  ms: number;
  rulesPerSecond: number;
  stateReads: number;
  stateWrites: number;
  queueSends: number;
  alertsQueued: number;
}

const CLUSTERS = 100;
const RULES_PER_CLUSTER = 10;
const SERIES_PER_RULE = 5;

/**
 * Central evaluation of 1,000 rules over 100 clusters (one cluster group of 10
 * rules each; every query answers the 2 of 5 series above its threshold) in this
 * process, with tidings' own cost only: queries answer at once from memory,
 * the state store and the queue count their requests (one state read per
 * group and slot, one conditional write when the state changed, one queue
 * send per group with alerts to send). Phases: the first slot (everything
 * new), the next slot (nothing due, nothing changed), and the slot where
 * Prometheus' resend delay (1 min) has passed.
 */
export async function measureEvaluation(log: (line: string) => void): Promise<EvaluationPhase[]> {
  const items = new Map<string, GroupEvaluationState>();
  const counts = { reads: 0, writes: 0, sends: 0, alerts: 0 };
  const state: RuleStateStore = {
    list: async (a, c) => {
      counts.reads += 1;
      return new Map([...items].filter(([key]) => key.startsWith(`${a}/${c}/`)).map(([key, value]) => [key.slice(`${a}/${c}/`.length), value]));
    },
    put: async (a, c, g, next, expected) => {
      counts.writes += 1;
      if ((items.get(`${a}/${c}/${g}`)?.version ?? 0) !== expected) return false;
      items.set(`${a}/${c}/${g}`, next);
      return true;
    },
    delete: async (a, c, g) => items.delete(`${a}/${c}/${g}`),
    deleteCluster: async () => 0,
  };
  const group: StoredRuleGroup = {
    accountId: 'bench',
    level: 'cluster',
    name: 'nodes',
    cluster: '',
    enabled: true,
    interval: '1m',
    inhibitRuleIds: [],
    createdAt: '',
    updatedAt: '',
    version: 1,
    rules: Array.from({ length: RULES_PER_CLUSTER }, (_, i) => ({
      alert: `Rule${i}`,
      expr: `sum by (node) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) > ${i}`,
      for: '5m',
      severity: 'warning' as const,
      labels: { team: 'infra' },
      annotations: { summary: '{{ $labels.node }} at {{ $value }}' },
      disable: false,
    })),
  };
  // What `… > i` answers: the 2 of 5 nodes above the threshold.
  const firing: Sample[] = Array.from({ length: SERIES_PER_RULE }, (_, i) => ({ labels: { node: `node-${i}`, cluster: 'c' }, value: i < 2 ? 100 : 0 })).filter((s) => s.value > 50);
  const clusters = Array.from({ length: CLUSTERS }, (_, i) => ({ accountId: 'bench', id: `c-${i}`, name: `cluster-${i}` }));
  const start = Date.parse('2026-12-02T00:00:00Z');
  const phases: EvaluationPhase[] = [];
  // Slots a minute apart: 0 new (pending), 6 min firing (for: 5m), 7 min nothing due, 8 min resend due.
  for (const [phase, minute] of [['first slot: every series new', 0], ['for has passed: alerts fire and are sent', 6], ['next slot: nothing changed', 7], ['resend delay passed: alerts re-sent', 9]] as const) {
    Object.assign(counts, { reads: 0, writes: 0, sends: 0, alerts: 0 });
    const now = new Date(start + minute * 60_000);
    const began = performance.now();
    for (const cluster of clusters) {
      await evaluateCluster(cluster, {
        sources: { ruleGroups: { list: async () => [{ ...group, cluster: cluster.name }] }, tenantsOf: async () => [] },
        query: async () => firing,
        state,
        publish: async (alerts: PostableAlert[]) => {
          counts.sends += 1;
          counts.alerts += alerts.length;
        },
        now: () => now,
        settings: { externalLabels: {}, externalURL: 'https://tidings.example', resendDelayMs: 60_000 },
        defaultIntervalMs: 60_000,
      });
    }
    const ms = performance.now() - began;
    const rules = CLUSTERS * RULES_PER_CLUSTER;
    phases.push({ phase, rules, ms, rulesPerSecond: (rules / ms) * 1000, stateReads: counts.reads, stateWrites: counts.writes, queueSends: counts.sends, alertsQueued: counts.alerts });
    log(`   ${phase}: ${rules} rules in ${ms.toFixed(0)} ms, ${counts.reads} state reads, ${counts.writes} writes, ${counts.sends} queue sends`);
  }
  return phases;
}
