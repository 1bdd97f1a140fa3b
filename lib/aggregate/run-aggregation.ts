import type { GroupTimerMessage, NotificationMessage, ReceiverRef, RoutedAlertsMessage } from '../pipeline/messages.js';
import type { QueuePublisher } from '../pipeline/queue.js';
import { spillIfLarge, type SpillStore } from '../pipeline/spill.js';
import { compareIncarnations, receiverLabel, VersionConflictError } from '../receivers/receiver.js';
import type { AlertPathEntry, AlertPathStore } from '../history/alert-path.js';
import { describeMute, type Muter } from '../silence/muter.js';
import { flushGroup, type MuteChange } from './flush.js';
import { partitionAlerts, type AlertBatch } from './group-key.js';
import type { GroupedAlert } from './group-state.js';
import type { GroupOutbox, GroupStore, StoredGroup } from './group-store.js';
import type { GroupingOptions } from './grouping-options.js';
import { ingestAlerts } from './ingest.js';
import type { GroupNotification } from './notification.js';
import { sqsDelay, timerAction } from './timer.js';

export interface AggregationDependencies {
  groups: GroupStore;
  /** What mutes alerts for a receiver at a flush (silences and inhibition as they stand then); absent: nothing does. */
  muterFor?: (receiver: ReceiverRef) => Promise<Muter>;
  /** Where a flush records the mutes that began or changed, for the alert trail. */
  trail?: Pick<AlertPathStore, 'record'>;
  /** Where notifications too large for a queue message go. */
  spill: SpillStore;
  queue: QueuePublisher;
  /** Epoch ms. */
  now: () => number;
}

/** Too many concurrent writers on one group; the message is retried later. */
export class GroupContentionError extends Error {
  constructor(groupId: string) {
    super(`group ${groupId} kept changing under concurrent updates`);
    this.name = 'GroupContentionError';
  }
}

const MAX_ATTEMPTS = 8;

/** The route key of a receiver's groups: unique per account and receiver, so group ids never collide. */
export function receiverRouteKey(receiver: ReceiverRef): string {
  const owner = receiver.tenantId === undefined ? 'global' : `tenant=${JSON.stringify(receiver.tenantId)}`;
  return `{account=${JSON.stringify(receiver.accountId)},${owner},receiver=${JSON.stringify(receiver.name)}}`;
}

/** Routed alerts of one queue batch, merged per group so each group is read and written once. */
export interface PendingGroup {
  batch: AlertBatch<GroupedAlert>;
  options: GroupingOptions;
  receiver: ReceiverRef;
  /** Indexes of the queue messages that contributed; they succeed or fail with the group. */
  sources: number[];
  /** Whether any contributing message was received before: an earlier attempt may have died before sending the timer. */
  redelivered: boolean;
}

/** One routed-alerts message of a queue batch; `redelivered` when SQS has handed it out before. */
export interface RoutedRecord {
  index: number;
  message: RoutedAlertsMessage;
  redelivered?: boolean;
}

/**
 * Merges the routed alerts of one queue batch per group. Each update is stamped
 * with when ingest accepted it (`receivedAt` when the message has none).
 */
export function collectGroups(messages: readonly RoutedRecord[], receivedAt: string): PendingGroup[] {
  const groups = new Map<string, PendingGroup>();
  for (const { index, message, redelivered = false } of messages) {
    const target = { receiver: message.receiver.name, routeKey: receiverRouteKey(message.receiver) };
    const updatedAt = message.receivedAt ?? receivedAt;
    const alerts: GroupedAlert[] = message.alerts.map((alert) => ({ ...alert, updatedAt }));
    for (const batch of partitionAlerts(alerts, target, message.grouping.groupBy)) {
      const pending = groups.get(batch.group.id);
      if (pending === undefined) {
        groups.set(batch.group.id, { batch, options: message.grouping, receiver: message.receiver, sources: [index], redelivered });
      } else {
        pending.batch.alerts.push(...batch.alerts);
        pending.options = message.grouping;
        pending.redelivered ||= redelivered;
        if (!pending.sources.includes(index)) pending.sources.push(index);
      }
    }
  }
  return [...groups.values()];
}

/**
 * Merges alerts into their group's stored state, then sends the flush timer.
 * The state is written first so that a timer can never arrive before the
 * state it is for (a timer that finds no matching state is dropped). If the
 * worker dies between the write and the send, the message is redelivered and
 * finds its alerts merged already: a redelivered message therefore re-sends
 * the timer of the state it finds; a spare timer is harmless (see `timerAction`).
 */
export async function ingestGroup(pending: PendingGroup, deps: AggregationDependencies): Promise<void> {
  const groupId = pending.batch.group.id;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await deps.groups.get(groupId);
    // Alerts routed to a receiver deleted since are dropped; a group left by a deleted receiver
    // of the same name is started afresh (the write is still conditional on it).
    const life = stored === undefined ? 0 : compareIncarnations(pending.receiver, stored.receiver);
    if (life < 0) return;
    const current = life > 0 ? undefined : stored;
    const now = deps.now();
    const result = ingestAlerts(current?.state, pending.batch, pending.options, now);
    if (result.changed && result.state !== undefined) {
      const next: StoredGroup = { state: result.state, options: pending.options, receiver: pending.receiver };
      if (current?.outbox !== undefined) next.outbox = current.outbox;
      try {
        await deps.groups.put(next, stored?.state.version);
      } catch (error) {
        if (error instanceof VersionConflictError) continue;
        throw error;
      }
    }
    const timerAt = result.flushAt ?? (pending.redelivered ? (result.state?.nextFlushAt ?? null) : null);
    if (timerAt !== null) await sendTimer(deps, { groupId, accountId: pending.receiver.accountId }, timerAt, now);
    return;
  }
  throw new GroupContentionError(groupId);
}

/**
 * Handles a group's timer: drops stale and duplicate timers, re-sends hops for
 * waits longer than SQS allows, and otherwise flushes. The flush's outcome is
 * written with the state (conditional on the version read), then dispatched.
 * A timer that finds the outbox of its own flush was handled before: a
 * redelivered one (the worker may have died before dispatching) dispatches it
 * again, and delivery drops the notification id if it was sent; a copy
 * received for the first time (a spare timer) drops it, so that spare timers
 * never multiply.
 */
export async function fireTimer(timer: GroupTimerMessage, deps: AggregationDependencies, redelivered = false): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await deps.groups.get(timer.groupId);
    const now = deps.now();
    if (stored === undefined) return;
    if (stored.outbox?.scheduledFor === timer.scheduledFor) {
      if (redelivered) await dispatch(stored, stored.outbox, deps, now);
      return;
    }
    const action = timerAction(stored.state, timer.scheduledFor, now);
    if (action.action === 'drop') return;
    if (action.action === 'wait') {
      const hop: GroupTimerMessage = { ...timer, accountId: stored.receiver.accountId };
      await deps.queue.send('groups', [JSON.stringify(hop)], { delaySeconds: action.delay.delaySeconds });
      return;
    }
    const muter = await deps.muterFor?.(stored.receiver);
    const at = new Date(now);
    const result = flushGroup(stored.state, stored.options, now, muter === undefined ? undefined : (alert) => muter.mutes(alert, at));
    if (!result.due) return;
    const outbox: GroupOutbox = {
      scheduledFor: timer.scheduledFor,
      nextFlushAt: result.nextFlushAt,
      ...(result.notification === null ? {} : { notification: toNotificationMessage(result.notification, stored.receiver, now) }),
    };
    try {
      await deps.groups.put({ ...stored, state: result.state, outbox }, stored.state.version);
    } catch (error) {
      if (error instanceof VersionConflictError) continue;
      throw error;
    }
    await Promise.all([dispatch(stored, outbox, deps, now), recordMutes(stored.receiver, result.muteChanges, at, deps)]);
    return;
  }
  throw new GroupContentionError(timer.groupId);
}

async function dispatch(group: StoredGroup, outbox: GroupOutbox, deps: AggregationDependencies, now: number): Promise<void> {
  const groupId = group.state.group.id;
  const { accountId } = group.receiver;
  await Promise.all([
    outbox.notification === undefined
      ? undefined
      : spillIfLarge({ key: outbox.notification.id, accountId }, JSON.stringify(outbox.notification), deps.spill).then((body) =>
          deps.queue.send('delivery', [body]),
        ),
    outbox.nextFlushAt === null ? undefined : sendTimer(deps, { groupId, accountId }, outbox.nextFlushAt, now),
  ]);
}

/** Writes the mutes a flush began or changed to the alert trail: "silenced by X" or "inhibited by Y" for this receiver. */
async function recordMutes(receiver: ReceiverRef, changes: readonly MuteChange[], at: Date, deps: AggregationDependencies): Promise<void> {
  if (changes.length === 0 || deps.trail === undefined) return;
  const entries: AlertPathEntry[] = changes.map(({ alert, reason, status }) => ({
    stage: reason.kind === 'silence' ? 'silenced' : 'inhibited',
    at: at.toISOString(),
    fingerprint: alert.fingerprint,
    status,
    receiver: receiverLabel(receiver),
    detail: describeMute(reason),
  }));
  await deps.trail.record(receiver.accountId, entries);
}

/** Timers carry the account so that a dead-letter replay for an account can select them. */
async function sendTimer(deps: AggregationDependencies, group: { groupId: string; accountId: string }, at: number, now: number): Promise<void> {
  const message: GroupTimerMessage = { type: 'group-timer', ...group, scheduledFor: at };
  await deps.queue.send('groups', [JSON.stringify(message)], { delaySeconds: sqsDelay(now, at).delaySeconds });
}

/** The flush's payload as is, in the envelope that routes it to its receiver. */
function toNotificationMessage(notification: GroupNotification, receiver: ReceiverRef, now: number): NotificationMessage {
  return { type: 'notification', id: notification.id, createdAt: new Date(now).toISOString(), receiver, reason: notification.reason, ...notification.payload };
}
