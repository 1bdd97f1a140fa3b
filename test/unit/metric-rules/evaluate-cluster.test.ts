import { describe, expect, it } from 'vitest';
import type { PostableAlert, Sample } from '../../../lib/metric-rules/alerting-state.js';
import { evaluateCluster, evaluationSlot } from '../../../lib/metric-rules/evaluate-cluster.js';
import { MemoryRuleStateStore } from '../../helpers/memory-stores.js';
import { QueryFailedError } from '../../../lib/metric-rules/prometheus-query.js';
import type { StoredRuleGroup } from '../../../lib/metric-rules/rule-group.js';
import { aClusterGroup, aGlobalGroup, aMetricRule, aNamespaceGroup } from './builders.js';

const cluster = { accountId: 'acme', id: 'c-1', name: 'prod-eu' };

function harness(groups: StoredRuleGroup[], answer: (expr: string) => Sample[] | Error, bound = ['team-a']) {
  const queries: string[] = [];
  const published: PostableAlert[][] = [];
  let now = new Date('2026-12-02T10:00:00Z');
  const state = new MemoryRuleStateStore();
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
    const writes = h.state.requests.puts;
    h.advance(60_000);
    // 60 s later: lastSentAt + resendDelay is not before the slot, so nothing is due and nothing changed.
    expect((await evaluateCluster(cluster, h.deps)).unchanged).toEqual(['cluster/nodes']);
    expect(h.state.requests.puts).toBe(writes);
    h.advance(60_000);
    expect((await evaluateCluster(cluster, h.deps)).sent).toBe(1);
    expect(h.state.requests.puts).toBe(writes + 1);
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

describe('evaluateCluster: state of groups that are gone', () => {
  const hot = aMetricRule({ alert: 'Hot', expr: 'x > 1' });

  it.each([
    ['deleted', (groups: StoredRuleGroup[]) => groups.splice(0)],
    ['disabled', (groups: StoredRuleGroup[]) => groups.splice(0, 1, { ...groups[0]!, enabled: false })],
    ['moved to another cluster', (groups: StoredRuleGroup[]) => groups.splice(0, 1, { ...groups[0]!, cluster: 'prod-us' } as StoredRuleGroup)],
  ])('deletes the state of a group %s, and sends nothing for it', async (_case, change) => {
    // Prepare: the group's alert fires and is sent.
    const groups = [aClusterGroup({ rules: [hot] })];
    const h = harness(groups, () => firing());
    await evaluateCluster(cluster, h.deps);
    expect(h.state.items.size).toBe(1);
    // Act
    change(groups);
    h.advance(5 * 60_000);
    const report = await evaluateCluster(cluster, h.deps);
    // Assess
    expect(report.removed).toEqual(['cluster/nodes']);
    expect(h.state.items.size).toBe(0);
    expect(h.published).toHaveLength(1);
  });

  it("deletes a namespace group's state when its tenant loses the namespace (or is deleted)", async () => {
    const bound = ['team-a'];
    const h = harness([aNamespaceGroup({ rules: [hot] })], () => firing(), bound);
    await evaluateCluster(cluster, h.deps);
    expect(h.state.items.size).toBe(1);
    bound.splice(0);
    h.advance(60_000);
    expect((await evaluateCluster(cluster, h.deps)).removed).toEqual(['namespace/team-a/shop-alerts']);
    expect(h.state.items.size).toBe(0);
  });

  it('keeps the state of groups that still apply, and of other clusters', async () => {
    const groups = [aClusterGroup({ rules: [hot] }), aGlobalGroup()];
    const h = harness(groups, () => firing());
    await evaluateCluster(cluster, h.deps);
    await evaluateCluster({ ...cluster, id: 'c-2' }, h.deps);
    groups.splice(1);
    h.advance(60_000);
    expect((await evaluateCluster(cluster, h.deps)).removed).toEqual(['global/fleet']);
    expect([...h.state.items.keys()].sort()).toEqual(['acme/c-1/cluster/nodes', 'acme/c-2/cluster/nodes', 'acme/c-2/global/fleet']);
  });

  it('starts a group deleted and created again under its name from no state, even between two runs', async () => {
    // Prepare: the alert has been firing (for: 5m passed) and was sent.
    const groups = [aClusterGroup({ rules: [{ ...hot, for: '5m' }] })];
    const h = harness(groups, () => firing());
    for (let minute = 0; minute <= 6; minute += 1, h.advance(60_000)) await evaluateCluster(cluster, h.deps);
    expect(h.published.flat().map((a) => a.labels.alertname)).toEqual(['Hot']);
    // Act: deleted and created again (a new createdAt) before the next run.
    groups.splice(0, 1, { ...groups[0]!, createdAt: '2026-12-02T10:07:00.000Z', version: 1 });
    h.advance(60_000);
    const report = await evaluateCluster(cluster, h.deps);
    // Assess: the alert is pending again, its `for` counted afresh; nothing is sent until it passes.
    expect(report.evaluated).toEqual(['cluster/nodes']);
    const [state] = [...h.state.items.values()];
    expect(Object.values(state!.rules).flatMap((alerts) => Object.values(alerts).map((a) => a.state))).toEqual(['pending']);
    expect(state!.groupCreatedAt).toBe('2026-12-02T10:07:00.000Z');
    for (let minute = 0; minute < 4; minute += 1) {
      h.advance(60_000);
      await evaluateCluster(cluster, h.deps);
    }
    expect(h.published.flat()).toHaveLength(1);
    h.advance(60_000);
    await evaluateCluster(cluster, h.deps);
    const resent = h.published.flat()[1]!;
    expect(Date.parse(resent.startsAt)).toBeGreaterThan(Date.parse('2026-12-02T10:07:00.000Z'));
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
