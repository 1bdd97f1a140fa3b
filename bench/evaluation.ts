import { performance } from 'node:perf_hooks';
import type { PostableAlert, Sample } from '../lib/metric-rules/alerting-state.js';
import { createKeyValueTable } from '../infra/local/key-value-table.js';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { freePort } from '../infra/local/ports.js';
import { DynamoRuleStateStore } from '../lib/aws/dynamo-rule-state-store.js';
import { evaluateCluster } from '../lib/metric-rules/evaluate-cluster.js';
import { AwsRequestCounter } from './instrument.js';
import type { StoredRuleGroup } from '../lib/metric-rules/rule-group.js';

/** One phase of the central evaluation benchmark: every cluster evaluated once at one slot. */
export interface EvaluationPhase {
  phase: string;
  rules: number;
  ms: number;
  rulesPerSecond: number;
  /** DynamoDB requests on DynamoDB Local: state queries (one per cluster) and conditional writes. */
  stateReads: number;
  stateWrites: number;
  /** Their request units, as on-demand DynamoDB bills them. */
  stateReadUnits: number;
  stateWriteUnits: number;
  queueSends: number;
  alertsQueued: number;
}

const CLUSTERS = 100;
const RULES_PER_CLUSTER = 10;
const SERIES_PER_RULE = 5;

/**
 * Central evaluation of 1,000 rules over 100 clusters (one cluster group of 10
 * rules each; every query answers the 2 of 5 series above its threshold) in this
 * process: queries answer at once from memory and the queue counts its sends,
 * while the evaluation state lives in a table on DynamoDB Local, through the
 * same DynamoRuleStateStore the evaluate function uses, with every request and
 * its consumed capacity counted as the pipeline figures count them (one
 * query per cluster and slot, one conditional write per group whose state
 * changed). Phases: the first slot (everything new), the slot where `for` has
 * passed, the next slot (nothing due, nothing changed), and the slot where
 * Prometheus' resend delay (1 min) has passed.
 */
export async function measureEvaluation(log: (line: string) => void): Promise<EvaluationPhase[]> {
  const dynamodbLocal = await startDynamoDbLocal({ port: await freePort() });
  try {
    return await measureOn(dynamodbLocal.endpoint, log);
  } finally {
    await dynamodbLocal.stop();
  }
}

async function measureOn(endpoint: string, log: (line: string) => void): Promise<EvaluationPhase[]> {
  const documents = await createKeyValueTable(endpoint, 'bench-state');
  const counter = new AwsRequestCounter();
  counter.instrumentDynamo(documents, 'handler');
  const state = new DynamoRuleStateStore(documents, 'bench-state');
  const counts = { sends: 0, alerts: 0 };
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
    Object.assign(counts, { sends: 0, alerts: 0 });
    counter.reset();
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
    const tallies = [...counter.tallies.values()];
    const dynamo = (command: string) => [...counter.tallies].filter(([key]) => key.includes(`:${command} `)).reduce((sum, [, t]) => sum + t.requests, 0);
    const reads = dynamo('QueryCommand');
    const writes = dynamo('PutItemCommand') + dynamo('DeleteItemCommand');
    const readUnits = tallies.reduce((sum, t) => sum + t.readUnits, 0);
    const writeUnits = tallies.reduce((sum, t) => sum + t.writeUnits, 0);
    phases.push({ phase, rules, ms, rulesPerSecond: (rules / ms) * 1000, stateReads: reads, stateWrites: writes, stateReadUnits: readUnits, stateWriteUnits: writeUnits, queueSends: counts.sends, alertsQueued: counts.alerts });
    log(`   ${phase}: ${rules} rules in ${ms.toFixed(0)} ms, ${reads} state queries (${readUnits} RRU), ${writes} writes (${writeUnits} WRU), ${counts.sends} queue sends`);
  }
  return phases;
}
