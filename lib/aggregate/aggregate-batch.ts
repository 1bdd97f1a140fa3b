/**
 * The aggregate stage's use case: one batch of the groups queue. Routed alerts
 * of the whole batch are merged per group (one read and one write per group),
 * timers flush groups, and at each flush inhibition and silences are decided
 * with the state stored at that moment.
 */
import { withLazyModules } from '../pipeline/lazy-module.js';
import { groupsQueueMessageSchema, parseMessage, type GroupsQueueMessage } from '../pipeline/messages.js';
import { batchMuters, type MuteSource } from './mute-state.js';
import { collectGroups, fireTimer, ingestGroup, type AggregationDependencies, type RoutedRecord } from './run-aggregation.js';

/** One record of the groups queue: its body, and whether the queue has handed it out before. */
export interface GroupsQueueRecord {
  body: string;
  redelivered: boolean;
}

export type AggregateBatchDependencies = Omit<AggregationDependencies, 'muterFor'> & {
  /** Silences, inhibit rules and firing alerts, read once per account and batch, when a flush first needs them. */
  muteSource: MuteSource;
};

/**
 * Handles one batch, answering one promise per record in its order: a record
 * fails only with the groups it contributed to, or alone when it does not
 * parse (a permanent failure).
 */
export function aggregateBatch(records: readonly GroupsQueueRecord[], deps: AggregateBatchDependencies): Array<Promise<void>> {
  const muterFor = batchMuters(deps.muteSource);
  // Building a muter reads the mute state and compiles it, nothing more: it may run again once RE2 or croner is loaded.
  const aggregation: AggregationDependencies = { ...deps, muterFor: (receiver) => withLazyModules(() => muterFor(receiver)) };
  const parsed = records.map((record): GroupsQueueMessage | Error => {
    try {
      return parseMessage(groupsQueueMessageSchema, record.body);
    } catch (error) {
      return error as Error;
    }
  });
  const routed: RoutedRecord[] = [];
  parsed.forEach((message, index) => {
    if (!(message instanceof Error) && message.type === 'routed-alerts') routed.push({ index, message, redelivered: records[index]!.redelivered });
  });
  const outcomes = new Map<number, Array<Promise<void>>>();
  for (const pending of collectGroups(routed, new Date(deps.now()).toISOString())) {
    const done = ingestGroup(pending, aggregation);
    for (const index of pending.sources) outcomes.set(index, [...(outcomes.get(index) ?? []), done]);
  }
  return parsed.map(async (message, index) => {
    if (message instanceof Error) throw message;
    if (message.type === 'group-timer') return fireTimer(message, aggregation, records[index]!.redelivered);
    await Promise.all(outcomes.get(index) ?? []);
  });
}
