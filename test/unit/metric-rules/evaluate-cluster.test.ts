import { describe, expect, it } from 'vitest';
import type { PostableAlert, Sample } from '../../../lib/metric-rules/alerting-state.js';
import { evaluateCluster, evaluationSlot, type GroupEvaluationState, type RuleStateStore } from '../../../lib/metric-rules/evaluate-cluster.js';
import { QueryFailedError } from '../../../lib/metric-rules/prometheus-query.js';
import type { StoredRuleGroup } from '../../../lib/metric-rules/rule-group.js';
import { aClusterGroup, aGlobalGroup, aMetricRule, aNamespaceGroup } from './builders.js';

/** A state store with the DynamoDB adapter's version check, counting writes. */
function memoryState() {
  const items = new Map<string, GroupEvaluationState>();
  const store: RuleStateStore & { puts: number; items: typeof items } = {
    puts: 0,
    items,
    get: async (a, c, g) => items.get(`${a}/${c}/${g}`),
    put: async (a, c, g, state, expected) => {
      store.puts += 1;
      if ((items.get(`${a}/${c}/${g}`)?.version ?? 0) !== expected) return false;
      items.set(`${a}/${c}/${g}`, state);
      return true;
    },
  };
  return store;
}

const cluster = { accountId: 'acme', id: 'c-1', name: 'prod-eu' };

function harness(groups: StoredRuleGroup[], answer: (expr: string) => Sample[] | Error, bound = ['team-a']) {
  const queries: string[] = [];
  const published: PostableAlert[][] = [];
  let now = new Date('2026-12-02T10:00:00Z');
  const state = memoryState();
  const deps = {
    sources: {
      ruleGroups: { list: async () => groups },
      tenantsOf: async (_a: string, _c: string, namespace: string) => (namespace === 'shop' ? bound.map((tenantId) => ({ tenantId, cluster: 'prod-eu', namespace, via: { kind: 'binding' as const } })) : []),
    },
    query: async (expr: string) => {
      queries.push(expr);
      const result = answer(expr);
      if (result instanceof Error) throw result;
      return result;
    },
    state,
    publish: async (alerts: PostableAlert[]) => {
      published.push(alerts);
    },
    now: () => now,
    settings: { externalLabels: {}, externalURL: 'https://tidings.example', resendDelayMs: 60_000 },
    defaultIntervalMs: 60_000,
  };
  return { deps, queries, published, state, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const firing = (labels: Record<string, string> = { pod: 'web-1' }): Sample[] => [{ labels: { __name__: 'x', ...labels }, value: 2 }];

describe('evaluateCluster', () => {
  it("queries each rule with the cluster (and a namespace group's namespace) enforced", async () => {
    const h = harness([aNamespaceGroup({ rules: [aMetricRule({ expr: 'rate(x[5m]) > 1' })] }), aClusterGroup(), aGlobalGroup(), aClusterGroup({ name: 'other', cluster: 'prod-us' })], () => []);
    await evaluateCluster(cluster, h.deps);
    expect(h.queries.sort()).toEqual(['node_load1{cluster="prod-eu"} > 4', 'rate(x{namespace="shop", cluster="prod-eu"}[5m]) > 1', 'up{cluster="prod-eu"} == 0']);
  });

  it("skips a namespace group whose tenant may no longer see the namespace", async () => {
    const h = harness([aNamespaceGroup()], () => firing(), []);
    const report = await evaluateCluster(cluster, h.deps);
    expect(report.evaluated).toEqual([]);
    expect(h.queries).toEqual([]);
  });

  it('sends a firing alert once per slot, however many runs overlap', async () => {
    const h = harness([aClusterGroup({ rules: [aMetricRule({ alert: 'Hot', expr: 'x > 1' })] })], () => firing());
    const reports = await Promise.all([evaluateCluster(cluster, h.deps), evaluateCluster(cluster, h.deps), evaluateCluster(cluster, h.deps)]);
    expect(h.published.flat()).toHaveLength(1);
    expect(h.published[0]![0]).toMatchObject({ labels: { alertname: 'Hot', pod: 'web-1', alerttype: 'metric', rule_group: 'nodes', rule_level: 'cluster' } });
    expect(reports.flatMap((r) => [...r.alreadyEvaluated, ...r.conflicts])).toHaveLength(2);

    const retried = await evaluateCluster(cluster, h.deps);
    expect(retried.alreadyEvaluated).toEqual(['cluster/nodes']);
    expect(h.published.flat()).toHaveLength(1);
  });

  it('writes nothing when a later slot changes nothing, and writes again when a resend is due', async () => {
    const h = harness([aClusterGroup({ rules: [aMetricRule({ alert: 'Hot', expr: 'x > 1' })] })], () => firing());
    await evaluateCluster(cluster, h.deps);
    const writes = h.state.puts;
    h.advance(60_000);
    // 60 s later: lastSentAt + resendDelay is not before the slot, so nothing is due and nothing changed.
    expect((await evaluateCluster(cluster, h.deps)).unchanged).toEqual(['cluster/nodes']);
    expect(h.state.puts).toBe(writes);
    h.advance(60_000);
    expect((await evaluateCluster(cluster, h.deps)).sent).toBe(1);
    expect(h.state.puts).toBe(writes + 1);
  });

  it('keeps a rule’s state when its query fails or is partial, and reports it', async () => {
    let fail = false;
    const h = harness([aClusterGroup({ rules: [aMetricRule({ alert: 'Hot', expr: 'x > 1' })] })], () => (fail ? new QueryFailedError('partial result: store down') : firing()));
    await evaluateCluster(cluster, h.deps);
    const before = structuredClone([...h.state.items.values()]);
    fail = true;
    h.advance(5 * 60_000);
    const report = await evaluateCluster(cluster, h.deps);
    expect(report.errors).toEqual([{ group: 'cluster/nodes', alert: 'Hot', error: 'partial result: store down' }]);
    expect([...h.state.items.values()].map((s) => s.rules)).toEqual(before.map((s) => s.rules));
    expect(h.published.flat()).toHaveLength(1);
  });

  it('resolves an alert whose series are gone, and sends it resolved', async () => {
    let present = true;
    const h = harness([aClusterGroup({ rules: [aMetricRule({ alert: 'Hot', expr: 'x > 1' })] })], () => (present ? firing() : []));
    await evaluateCluster(cluster, h.deps);
    present = false;
    h.advance(60_000);
    await evaluateCluster(cluster, h.deps);
    const [first, resolved] = h.published.flat();
    expect(resolved!.startsAt).toBe(first!.startsAt);
    expect(Date.parse(resolved!.endsAt)).toBeLessThanOrEqual(h.deps.now().getTime());
  });
});

describe('evaluationSlot', () => {
  it('is stable within an interval and offset per group', () => {
    const now = Date.parse('2026-12-02T10:00:30Z');
    const slot = evaluationSlot('c-1/cluster/nodes', 60_000, now);
    expect(slot).toBeLessThanOrEqual(now);
    expect(now - slot).toBeLessThan(60_000);
    expect(evaluationSlot('c-1/cluster/nodes', 60_000, slot + 59_999)).toBe(slot);
    expect(evaluationSlot('c-1/cluster/nodes', 60_000, slot + 60_000)).toBe(slot + 60_000);
  });
});
