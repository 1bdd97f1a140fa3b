import { describe, expect, it } from 'vitest';
import type { GroupStore, StoredGroup } from '../../../lib/aggregate/group-store.js';
import { resolveGroupingOptions } from '../../../lib/aggregate/grouping-options.js';
import { collectGroups, fireTimer, ingestGroup, type AggregationDependencies } from '../../../lib/aggregate/run-aggregation.js';
import { aggregateBatch } from '../../../lib/aggregate/aggregate-batch.js';
import { InvalidMessageError, type GroupTimerMessage, type NotificationMessage, type RoutedAlertsMessage } from '../../../lib/pipeline/messages.js';
import type { QueueName, QueuePublisher } from '../../../lib/pipeline/queue.js';
import { VersionConflictError } from '../../../lib/receivers/receiver.js';
import { anAlert } from '../../helpers/builders.js';
import { SECOND, T0 } from './builders.js';

/** A GroupStore with the DynamoDB store's conditional semantics, plus failure injection. */
class MemoryGroupStore implements GroupStore {
  readonly items = new Map<string, string>();
  async get(id: string) {
    const text = this.items.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as StoredGroup);
  }
  async put(group: StoredGroup, expected: number | undefined) {
    // Check and write without yielding, as DynamoDB evaluates a condition atomically with the write.
    const text = this.items.get(group.state.group.id);
    const current = text === undefined ? undefined : (JSON.parse(text) as StoredGroup);
    if (current?.state.version !== expected) throw new VersionConflictError('group');
    this.items.set(group.state.group.id, JSON.stringify(group));
  }
}

/** Records what would go on the queues, separating notifications from timers. */
class RecordingQueue implements QueuePublisher {
  readonly notifications: NotificationMessage[] = [];
  readonly timers: Array<{ message: GroupTimerMessage; delaySeconds: number }> = [];
  /** Timer sends that fail (the worker dies) before the next one succeeds. */
  failNextTimers = 0;
  async send(queue: QueueName, bodies: readonly string[], options: { delaySeconds?: number } = {}) {
    if (queue === 'groups' && this.failNextTimers > 0) {
      this.failNextTimers--;
      throw new Error('worker died');
    }
    for (const body of bodies) {
      const message = JSON.parse(body);
      if (queue === 'delivery') this.notifications.push(message);
      else this.timers.push({ message, delaySeconds: options.delaySeconds ?? 0 });
    }
  }
}

const grouping = { ...resolveGroupingOptions({ groupBy: ['alertname'], groupWaitMs: 10 * SECOND, groupIntervalMs: 60 * SECOND }) };

function routed(names: string[]): RoutedAlertsMessage {
  return {
    type: 'routed-alerts',
    receiver: { accountId: 'acme', name: 'ops' },
    grouping: { ...grouping, groupBy: [...grouping.groupBy] },
    alerts: names.map((name, i) => anAlert({ labels: { alertname: name, pod: `p${i}`, cluster: 'c' } })),
  };
}

function setup() {
  let clock = T0;
  const groups = new MemoryGroupStore();
  const queue = new RecordingQueue();
  const spilled = new Map<string, string>();
  const deps: AggregationDependencies = {
    groups,
    queue,
    now: () => clock,
    spill: { put: async (k, b) => void spilled.set(k, b), get: async (k) => spilled.get(k) },
  };
  return { deps, groups, queue, advance: (ms: number) => (clock += ms), at: () => clock };
}

describe('ingestGroup and fireTimer', () => {
  it('merges a batch per group, schedules group_wait, then flushes one notification per group', async () => {
    const { deps, queue, advance } = setup();
    const pending = collectGroups([{ index: 0, message: routed(['A', 'A', 'B']) }, { index: 1, message: routed(['B']) }], new Date(T0).toISOString());
    expect(pending.map((group) => group.sources)).toEqual([[0], [0, 1]]);

    for (const group of pending) await ingestGroup(group, deps);
    expect(queue.timers.map((timer) => timer.delaySeconds)).toEqual([10, 10]);

    advance(10 * SECOND);
    for (const { message } of [...queue.timers]) await fireTimer(message, deps);

    expect(queue.notifications).toHaveLength(2);
    expect(queue.notifications.map((n) => n.groupKey).sort()).toEqual([
      '{account="acme",global,receiver="ops"}:{alertname="A"}',
      '{account="acme",global,receiver="ops"}:{alertname="B"}',
    ]);
    expect(queue.notifications.find((n) => n.groupKey.endsWith('"A"}'))!.alerts).toHaveLength(2);
  });

  it('drops a duplicate or stale timer without notifying again or sending a spare timer', async () => {
    const { deps, queue, advance } = setup();
    const [group] = collectGroups([{ index: 0, message: routed(['A']) }], new Date(T0).toISOString());
    await ingestGroup(group!, deps);
    advance(10 * SECOND);
    const timer = queue.timers[0]!.message;

    await fireTimer(timer, deps);
    const timersAfterFlush = queue.timers.length;
    await fireTimer(timer, deps);
    await fireTimer(timer, deps);

    expect(queue.notifications).toHaveLength(1);
    expect(queue.timers).toHaveLength(timersAfterFlush);
  });

  it('re-sends the outbox when the worker died after recording the flush, with the same notification id, only for the redelivered timer', async () => {
    const { deps, queue, advance } = setup();
    const [group] = collectGroups([{ index: 0, message: routed(['A']) }], new Date(T0).toISOString());
    await ingestGroup(group!, deps);
    advance(10 * SECOND);
    const timer = queue.timers[0]!.message;
    queue.failNextTimers = 1;

    await expect(fireTimer(timer, deps)).rejects.toThrow('worker died');
    const timersBefore = queue.timers.length;
    await fireTimer(timer, deps); // a spare copy, received for the first time
    await fireTimer(timer, deps, true); // SQS redelivers the message whose worker died

    expect(queue.notifications).toHaveLength(2);
    expect(new Set(queue.notifications.map((n) => n.id)).size).toBe(1);
    expect(queue.timers).toHaveLength(timersBefore + 1);
  });

  it('loses no alert when two workers ingest into the same group at once', async () => {
    const { deps, groups } = setup();
    const batches = Array.from({ length: 6 }, (_, i) => collectGroups([{ index: 0, message: routed([`A`]) }], new Date(T0 + i).toISOString())[0]!);
    batches.forEach((batch, i) => {
      batch.batch.alerts[0]!.labels = { ...batch.batch.alerts[0]!.labels, pod: `racer-${i}` };
      batch.batch.alerts[0]!.fingerprint = `${i}`.padStart(16, '0');
    });

    await Promise.all(batches.map((batch) => ingestGroup(batch, deps)));

    const stored = await groups.get(batches[0]!.batch.group.id);
    expect(Object.keys(stored!.state.alerts)).toHaveLength(6);
  });

  it('sends at most one notification id when two workers flush the same timer concurrently', async () => {
    const { deps, queue, advance } = setup();
    const [group] = collectGroups([{ index: 0, message: routed(['A', 'A2']) }], new Date(T0).toISOString());
    await ingestGroup(group!, deps);
    advance(10 * SECOND);
    const timer = queue.timers[0]!.message;

    await Promise.all([fireTimer(timer, deps), fireTimer(timer, deps)]);

    expect(new Set(queue.notifications.map((n) => n.id)).size).toBe(1);
  });

  it('flushes a group whose timer arrives as soon as it is sent (group_wait 0s)', async () => {
    const { deps, queue } = setup();
    const immediate = { ...grouping, groupWaitMs: 0 };
    // A worker that receives the timer before the sender has returned, as SQS may with no delay.
    deps.queue = {
      send: async (name, bodies, options) => {
        await queue.send(name, bodies, options);
        if (name !== 'groups' || (options?.delaySeconds ?? 0) > 0) return;
        for (const body of bodies) await fireTimer(JSON.parse(body) as GroupTimerMessage, deps);
      },
    };
    const message = { ...routed(['A']), grouping: { ...immediate, groupBy: ['alertname'] } };
    const [group] = collectGroups([{ index: 0, message }], new Date(T0).toISOString());

    await ingestGroup(group!, deps);

    expect(queue.notifications).toHaveLength(1);
  });

  it('sends the timer again when a message is redelivered after the worker died between writing the state and sending the timer', async () => {
    const { deps, queue, advance } = setup();
    const send = deps.queue.send.bind(deps.queue);
    let failTimers = 1;
    deps.queue = {
      send: async (name, bodies, options) => {
        if (name === 'groups' && failTimers-- > 0) throw new Error('worker died');
        await send(name, bodies, options);
      },
    };
    const [first] = collectGroups([{ index: 0, message: routed(['A']) }], new Date(T0).toISOString());
    await expect(ingestGroup(first!, deps)).rejects.toThrow('worker died');
    expect(queue.timers).toHaveLength(0);

    const [again] = collectGroups([{ index: 0, message: routed(['A']), redelivered: true }], new Date(T0).toISOString());
    await ingestGroup(again!, deps);
    advance(10 * SECOND);
    for (const { message } of [...queue.timers]) await fireTimer(message, deps);

    expect(queue.notifications).toHaveLength(1);
  });

  it('sends no spare timer for a first delivery that changes nothing', async () => {
    const { deps, queue } = setup();
    const [group] = collectGroups([{ index: 0, message: routed(['A']) }], new Date(T0).toISOString());
    await ingestGroup(group!, deps);
    await ingestGroup(group!, deps);

    expect(queue.timers).toHaveLength(1);
  });

  it('starts afresh when the receiver was deleted and created again: the old life\'s alerts never reach the new one', async () => {
    const { deps, queue, advance } = setup();
    const life = (incarnation: string, names: string[]) => ({ ...routed(names), receiver: { accountId: 'acme', name: 'ops', incarnation } });
    const OLD = '2026-11-01T00:00:00.000Z/aaaaaaaa';
    const NEW = '2026-11-02T00:00:00.000Z/bbbbbbbb';
    await ingestGroup(collectGroups([{ index: 0, message: life(OLD, ['A', 'A']) }], new Date(T0).toISOString())[0]!, deps);

    const fresh = life(NEW, ['A']);
    fresh.alerts[0]!.labels = { ...fresh.alerts[0]!.labels, pod: 'new-pod' };
    fresh.alerts[0]!.fingerprint = '';
    await ingestGroup(collectGroups([{ index: 0, message: fresh }], new Date(T0).toISOString())[0]!, deps);
    // A late message of the old life (routed before the delete) changes nothing now.
    await ingestGroup(collectGroups([{ index: 0, message: life(OLD, ['A']) }], new Date(T0 + 1).toISOString())[0]!, deps);
    advance(10 * SECOND);
    for (const { message } of [...queue.timers]) await fireTimer(message, deps);

    expect(queue.notifications).toHaveLength(1);
    expect(queue.notifications[0]!.receiver.incarnation).toBe(NEW);
    expect(queue.notifications[0]!.alerts.map((alert) => alert.labels.pod)).toEqual(['new-pod']);
  });
});

describe('aggregateBatch', () => {
  const noMutes = { silences: async () => [], inhibitRules: async () => [], firingAlerts: async () => [] };

  it('answers per record in order: an unparseable record fails alone, routed records of one group share one write, timers flush', async () => {
    // Prepare
    const { deps, groups, queue, advance } = setup();
    const writes: string[] = [];
    const put = groups.put.bind(groups);
    groups.put = async (group, expected) => {
      writes.push(group.state.group.id);
      await put(group, expected);
    };
    const batchDeps = { ...deps, muteSource: noMutes };
    const record = (message: unknown) => ({ body: JSON.stringify(message), redelivered: false });

    // Act
    const outcomes = await Promise.allSettled(aggregateBatch([record(routed(['A'])), { body: '{not json', redelivered: false }, record(routed(['A', 'A']))], batchDeps));

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidMessageError);
    expect(writes).toHaveLength(1);
    expect(queue.timers).toHaveLength(1);

    advance(10 * SECOND);
    const flushed = await Promise.allSettled(aggregateBatch(queue.timers.map(({ message }) => record(message)), batchDeps));
    expect(flushed.map((outcome) => outcome.status)).toEqual(['fulfilled']);
    expect(queue.notifications.map((notification) => notification.alerts.map((alert) => alert.labels.pod))).toEqual([['p0', 'p1']]);
    // The flush's payload in its envelope, with the fields (and order) older deliver workers read.
    expect(Object.keys(queue.notifications[0]!)).toEqual(['type', 'id', 'createdAt', 'receiver', 'reason', 'groupKey', 'status', 'groupLabels', 'commonLabels', 'commonAnnotations', 'truncatedAlerts', 'alerts']);
    expect(Object.keys(queue.notifications[0]!.alerts[0]!)).toEqual(['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint']);
  });
});
