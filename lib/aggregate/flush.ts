/**
 * Flushing a group: deciding, per Alertmanager's notification log, whether
 * the receiver is told anything, and moving the group on. The caller should
 * enqueue the notification and the next timer first and then write the state
 * on condition of the version it read: a worker that dies in between is
 * retried from the same state and produces the same notification id, which
 * delivery uses to drop the copy; a worker that loses the race drops nothing
 * that the winner did not send.
 */
import type { NotificationReason } from './dedup.js';
import { alertsAt, fingerprints, nextUsefulFlush, notificationReason } from './dedup.js';
import type { AlertTombstone, GroupState } from './group-state.js';
import { TOMBSTONE_RETENTION_MS } from './group-state.js';
import type { GroupingOptions } from './grouping-options.js';
import type { GroupNotification } from './notification.js';
import { buildWebhookPayload, notificationId } from './notification.js';

/** The flush is not due yet, or nothing is scheduled (`dueAt` null: the group has ended). */
export interface FlushNotDue {
  due: false;
  dueAt: number | null;
}

/** The flush ran: write `state`, send `notification` if any, schedule `nextFlushAt` if any. */
export interface FlushDone {
  due: true;
  state: GroupState;
  notification: GroupNotification | null;
  /** Why the nflog was updated; set without a notification when all alerts resolved and send_resolved is off. */
  reason: NotificationReason | null;
  nextFlushAt: number | null;
  /** Nothing is left to watch: no timer follows and the item may go at `state.expiresAt`. */
  ended: boolean;
}

/** The outcome of {@link flushGroup}. */
export type FlushResult = FlushNotDue | FlushDone;

/**
 * Flushes the group if due at `now`. The message holds every firing alert and,
 * with send_resolved, the resolved alerts the receiver had been told were
 * firing. Resolved alerts are then dropped (kept as tombstones); when none
 * remain the group ends. The next flush comes no sooner than group_interval
 * later, and only as early as anything can change: a repeat, an alert's
 * endsAt, or an ingest that brings it forward.
 */
export function flushGroup(state: GroupState, options: GroupingOptions, now: number): FlushResult {
  const scheduledAt = state.nextFlushAt;
  if (scheduledAt === null || now < scheduledAt) return { due: false, dueAt: scheduledAt };

  const entry = state.nflog;
  const { firing, resolved } = alertsAt(state, now);
  const current = { firing: fingerprints(firing), resolved: fingerprints(resolved) };
  const reason = notificationReason(entry, current, options, now);

  let notification: GroupNotification | null = null;
  let nflog = entry;
  if (reason) {
    const toldFiring = new Set(entry?.firing ?? []);
    const resolvedToSend = options.sendResolved ? resolved.filter((alert) => toldFiring.has(alert.fingerprint)) : [];
    if (firing.length + resolvedToSend.length > 0) {
      notification = {
        id: notificationId(state.group, scheduledAt, current.firing, fingerprints(resolvedToSend)),
        scheduledAt,
        reason,
        payload: buildWebhookPayload({
          group: state.group,
          firing,
          resolved: resolvedToSend,
          maxAlerts: options.maxAlerts,
          externalURL: options.externalURL,
        }),
      };
    }
    nflog = { firing: current.firing, resolved: current.resolved, notifiedAt: now };
  }

  const alerts = { ...state.alerts };
  const tombstones: Record<string, AlertTombstone> = {};
  for (const [fp, tombstone] of Object.entries(state.tombstones)) {
    if (tombstone.droppedAt + TOMBSTONE_RETENTION_MS > now) tombstones[fp] = tombstone;
  }
  for (const alert of resolved) {
    delete alerts[alert.fingerprint];
    tombstones[alert.fingerprint] = { status: alert.status, startsAt: alert.startsAt, endsAt: alert.endsAt, droppedAt: now };
  }

  const next: GroupState = {
    ...state,
    version: state.version + 1,
    lastFlushAt: now,
    nflog,
    alerts,
    tombstones,
  };
  const ended = Object.keys(alerts).length === 0;
  if (ended) {
    next.nextFlushAt = null;
    next.expiresAt = now + TOMBSTONE_RETENTION_MS;
  } else {
    next.nextFlushAt = Math.max(nextUsefulFlush(next, options, now) ?? now, now + options.groupIntervalMs);
    next.expiresAt = null;
  }
  return { due: true, state: next, notification, reason, nextFlushAt: next.nextFlushAt, ended };
}
