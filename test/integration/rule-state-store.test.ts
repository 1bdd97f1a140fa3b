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
    expect(await store.get('acme', 'c-1', 'cluster/nodes')).toEqual(aState(2, 3));
    expect(await store.get('acme', 'c-2', 'cluster/nodes')).toBeUndefined();
  });

  it('holds a group with thousands of alerts in one item', async () => {
    const big = aState(1, 5000);
    expect(await store.put('acme', 'c-1', 'namespace/team-a/big', big, 0)).toBe(true);
    expect(await store.get('acme', 'c-1', 'namespace/team-a/big')).toEqual(big);
  });
});
