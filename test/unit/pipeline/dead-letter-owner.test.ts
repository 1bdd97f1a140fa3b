import { describe, expect, it } from 'vitest';
import { resolveGroupingOptions } from '../../../lib/aggregate/grouping-options.js';
import { collectGroups, fireTimer, ingestGroup, type AggregationDependencies } from '../../../lib/aggregate/run-aggregation.js';
import { deadLetterOwner } from '../../../lib/aws/dead-letter-replay.js';
import type { RoutedAlertsMessage } from '../../../lib/pipeline/messages.js';
import { spillIfLarge } from '../../../lib/pipeline/spill.js';
import { anAlert } from '../../helpers/builders.js';

/** Runs one group through ingest and its first flush, keeping every queued body. */
async function queuedBodies(): Promise<Array<{ queue: string; body: string }>> {
  const queued: Array<{ queue: string; body: string }> = [];
  const groups = new Map<string, string>();
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const deps: AggregationDependencies = {
    groups: {
      get: async (id) => (groups.has(id) ? JSON.parse(groups.get(id)!) : undefined),
      put: async (group) => void groups.set(group.state.group.id, JSON.stringify(group)),
    },
    spill: { put: async () => {}, get: async () => undefined },
    queue: { send: async (queue, bodies) => void queued.push(...bodies.map((body) => ({ queue, body }))) },
    now: () => clock,
  };
  const grouping = resolveGroupingOptions({ groupBy: ['alertname'], groupWaitMs: 1000, groupIntervalMs: 10 * 60_000 });
  const message: RoutedAlertsMessage = {
    type: 'routed-alerts',
    receiver: { accountId: 'acme', tenantId: 'team-a', name: 'pager' },
    grouping: { ...grouping, groupBy: [...grouping.groupBy] },
    alerts: [anAlert({ labels: { alertname: 'A', cluster: 'c' } })],
  };
  await ingestGroup(collectGroups([{ index: 0, message }], new Date(clock).toISOString())[0]!, deps);
  clock += 1000;
  await fireTimer(JSON.parse(queued.find((q) => q.queue === 'groups')!.body), deps);
  return queued;
}

describe('deadLetterOwner', () => {
  it('names the account of every kind of message a consumer can park: routed alerts, group timers, notifications', async () => {
    const queued = await queuedBodies();
    const kinds = new Set(queued.map((q) => JSON.parse(q.body).type));
    expect(kinds).toEqual(new Set(['group-timer', 'notification']));

    for (const { body } of queued) expect(deadLetterOwner(body).accountId).toBe('acme');
    const notification = queued.find((q) => q.queue === 'delivery')!;
    expect(deadLetterOwner(notification.body).receiver).toBe('team-a/pager');
  });

  it('names the account of a spilled body reference', async () => {
    const reference = await spillIfLarge({ key: 'n1', accountId: 'acme' }, 'x'.repeat(300_000), { put: async () => {}, get: async () => undefined });

    expect(JSON.parse(reference).type).toBe('spilled');
    expect(deadLetterOwner(reference).accountId).toBe('acme');
  });
});
