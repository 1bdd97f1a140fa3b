/**
 * Flushing a group: deciding, per Alertmanager's notification log, whether
 * the receiver is told anything, and moving the group on. The caller should
 * enqueue the notification and the next timer first and then write the state
 * on condition of the version it read: a worker that dies in between is
 * retried from the same state and produces the same notification id, which
 * delivery uses to drop the copy; a worker that loses the race drops nothing
 * that the winner did not send.
 */
import type { MuteReason } from '../silence/muter.js';
import type { NotificationReason } from './dedup.js';
import { alertsAt, fingerprints, nextUsefulFlush, notificationReason } from './dedup.js';
import type { AlertTombstone, GroupedAlert, GroupState } from './group-state.js';
import { TOMBSTONE_RETENTION_MS, tombstoneOf } from './group-state.js';
import type { GroupingOptions } from './grouping-options.js';
import type { GroupNotification } from './notification.js';
import { buildNotificationPayload, notificationId } from './notification.js';

/** The flush is not due yet, or nothing is scheduled (`dueAt` null: the group has ended). */
export interface FlushNotDue {
  due: false;
  dueAt: number | null;
}

/**
 * Whether an alert is muted for the group's receiver at flush time, and by
 * what: inhibition, then silences, with the state current at the flush.
 */
export type FlushMuter = (alert: GroupedAlert) => MuteReason | undefined;

/** An alert muted at this flush by something other than what muted it at the last one (or nothing). */
export interface MuteChange {
  alert: GroupedAlert;
  reason: MuteReason;
  /** The alert's state at the flush: a muted resolution is recorded as such. */
  status: 'firing' | 'resolved';
}

/** The flush ran: write `state`, send `notification` if any, schedule `nextFlushAt` if any. */
export interface FlushDone {
  due: true;
  state: GroupState;
  notification: GroupNotification | null;
  /** Alerts whose mute began or changed at this flush, for the alert trail. */
  muteChanges: MuteChange[];
  /** Why the nflog was updated; set without a notification when all alerts resolved and send_resolved is off. */
  reason: NotificationReason | null;
  nextFlushAt: number | null;
  /** Nothing is left to watch: no timer follows and the item may go at `state.expiresAt`. */
  ended: boolean;
}

/** The outcome of {@link flushGroup}. */
export type FlushResult = FlushNotDue | FlushDone;

/** Identifies what muted an alert, to tell a new or changed mute from one already recorded. */
export function muteKey(reason: MuteReason): string {
  return reason.kind === 'silence' ? `silence:${reason.silenceIds.join(',')}` : `inhibition:${reason.ruleId}:${reason.sourceFingerprint}`;
}

/**
 * Flushes the group if due at `now`, as Alertmanager's notify pipeline does:
 * muted alerts (inhibited, then silenced, decided now by `mutes`) are taken
 * out first, firing and resolved alike; if nothing is left, nothing is sent
 * and the notification log is left as it was, so a still-firing alert comes
 * back at the first flush after its mute ends. The rest go through the
 * notification log: the message holds every unmuted firing alert and, with
 * send_resolved, the unmuted resolved alerts the receiver had been told were
 * firing. Resolved alerts are then dropped (kept as tombstones), muted or not;
 * when none remain the group ends. The next flush comes no sooner than
 * group_interval later: exactly then while anything is muted (a mute can end
 * at any time), otherwise only as early as anything can change: a repeat, an
 * alert's endsAt, or an ingest that brings it forward.
 */
export function flushGroup(state: GroupState, options: GroupingOptions, now: number, mutes: FlushMuter = () => undefined): FlushResult {
  const scheduledAt = state.nextFlushAt;
  if (scheduledAt === null || now < scheduledAt) return { due: false, dueAt: scheduledAt };

  const entry = state.nflog;
  const all = alertsAt(state, now);
  const muted = new Map<string, MuteReason>();
  for (const alert of [...all.firing, ...all.resolved]) {
    const why = mutes(alert);
    if (why !== undefined) muted.set(alert.fingerprint, why);
  }
  const firing = all.firing.filter((alert) => !muted.has(alert.fingerprint));
  const resolved = all.resolved.filter((alert) => !muted.has(alert.fingerprint));
  const current = { firing: fingerprints(firing), resolved: fingerprints(resolved) };
  // With every alert muted the pipeline stops before the notification log, as Alertmanager's does.
  const reason = firing.length + resolved.length === 0 ? null : notificationReason(entry, current, options, now);

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
        payload: buildNotificationPayload({ group: state.group, firing, resolved: resolvedToSend, maxAlerts: options.maxAlerts }),
      };
    }
    nflog = { firing: current.firing, resolved: current.resolved, notifiedAt: now };
  }

  const alerts = { ...state.alerts };
  const tombstones: Record<string, AlertTombstone> = {};
  for (const [fp, tombstone] of Object.entries(state.tombstones)) {
    if (tombstone.droppedAt + TOMBSTONE_RETENTION_MS > now) tombstones[fp] = tombstone;
  }
  for (const alert of all.resolved) {
    delete alerts[alert.fingerprint];
    tombstones[alert.fingerprint] = tombstoneOf(alert, now);
  }

  const muteChanges: MuteChange[] = [];
  const mutedNow: Record<string, string> = {};
  const resolvedNow = new Set(fingerprints(all.resolved));
  for (const alert of [...all.firing, ...all.resolved]) {
    const why = muted.get(alert.fingerprint);
    if (why === undefined) continue;
    const status = resolvedNow.has(alert.fingerprint) ? 'resolved' : 'firing';
    // A muted resolution is a change too: the trail says the resolution was held back.
    const key = `${muteKey(why)}#${status}`;
    if (state.muted?.[alert.fingerprint] !== key) muteChanges.push({ alert, reason: why, status });
    if (alerts[alert.fingerprint] !== undefined) mutedNow[alert.fingerprint] = key;
  }

  const next: GroupState = {
    ...state,
    version: state.version + 1,
    lastFlushAt: now,
    nflog,
    alerts,
    tombstones,
  };
  if (Object.keys(mutedNow).length > 0) next.muted = mutedNow;
  else delete next.muted;
  const ended = Object.keys(alerts).length === 0;
  if (ended) {
    next.nextFlushAt = null;
    next.expiresAt = now + TOMBSTONE_RETENTION_MS;
  } else if (next.muted !== undefined) {
    next.nextFlushAt = now + options.groupIntervalMs;
    next.expiresAt = null;
  } else {
    next.nextFlushAt = Math.max(nextUsefulFlush(next, options, now) ?? now, now + options.groupIntervalMs);
    next.expiresAt = null;
  }
  return { due: true, state: next, notification, muteChanges, reason, nextFlushAt: next.nextFlushAt, ended };
}
