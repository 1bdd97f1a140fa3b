import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRuleStateStore } from '../../lib/aws/dynamo-rule-state-store.js';
import type { GroupEvaluationState } from '../../lib/metric-rules/evaluate-cluster.js';
import { aKeyValueTable } from '../helpers/key-value-table.js';

let store: DynamoRuleStateStore;

beforeAll(async () => {
  const { table, client } = await aKeyValueTable('rulestate');
  store = new DynamoRuleStateStore(client, table);
});

const aState = (version: number, pods: number): GroupEvaluationState => ({
  evaluatedAt: 1_764_669_600_000 + version,
  version,
  rules: {
    r1: Object.fromEntries(
      Array.from({ length: pods }, (_, i) => [`fp${i}`, { labels: { alertname: 'Hot', pod: `web-${i}`, namespace: 'shop' }, annotations: { summary: `web-${i} is hot` }, state: 'firing' as const, value: i, activeAt: 1, firedAt: 2, lastSentAt: 3, validUntil: 4 }]),
    ),
  },
});

describe('DynamoRuleStateStore', () => {
  it('writes a new state only once and then only over the version read', async () => {
    expect(await store.put('acme', 'c-1', 'cluster/nodes', aState(1, 2), 0)).toBe(true);
    expect(await store.put('acme', 'c-1', 'cluster/nodes', aState(1, 2), 0)).toBe(false);
    expect(await store.put('acme', 'c-1', 'cluster/nodes', aState(2, 3), 1)).toBe(true);
    expect(await store.put('acme', 'c-1', 'cluster/nodes', aState(3, 3), 1)).toBe(false);
    expect((await store.list('acme', 'c-1')).get('cluster/nodes')).toEqual(aState(2, 3));
    expect((await store.list('acme', 'c-2')).get('cluster/nodes')).toBeUndefined();
  });

  it("lists a cluster's groups with one query, keeping the group's identity", async () => {
    await store.put('acme', 'c-3', 'cluster/a', { ...aState(1, 1), groupCreatedAt: '2026-12-02T10:00:00.000Z' }, 0);
    await store.put('acme', 'c-3', 'global/b', aState(1, 2), 0);
    await store.put('acme', 'c-4', 'cluster/a', aState(1, 1), 0);
    const listed = await store.list('acme', 'c-3');
    expect([...listed.keys()].sort()).toEqual(['cluster/a', 'global/b']);
    expect(listed.get('cluster/a')?.groupCreatedAt).toBe('2026-12-02T10:00:00.000Z');
    expect(listed.get('global/b')).toEqual(aState(1, 2));
  });

  it('deletes a group only over the version read, and a whole cluster at once', async () => {
    await store.put('acme', 'c-5', 'cluster/a', aState(1, 1), 0);
    await store.put('acme', 'c-5', 'cluster/a', aState(2, 1), 1);
    await store.put('acme', 'c-5', 'cluster/b', aState(1, 1), 0);
    await store.put('acme', 'c-6', 'cluster/a', aState(1, 1), 0);
    expect(await store.delete('acme', 'c-5', 'cluster/a', 1)).toBe(false);
    expect(await store.delete('acme', 'c-5', 'cluster/a', 2)).toBe(true);
    expect([...(await store.list('acme', 'c-5')).keys()]).toEqual(['cluster/b']);

    expect(await store.deleteCluster('acme', 'c-5')).toBe(1);
    expect((await store.list('acme', 'c-5')).size).toBe(0);
    expect([...(await store.list('acme', 'c-6')).keys()]).toEqual(['cluster/a']);
  });

  it('holds a group with thousands of alerts in one item', async () => {
    const big = aState(1, 5000);
    expect(await store.put('acme', 'c-1', 'namespace/team-a/big', big, 0)).toBe(true);
    expect((await store.list('acme', 'c-1')).get('namespace/team-a/big')).toEqual(big);
  });
});
