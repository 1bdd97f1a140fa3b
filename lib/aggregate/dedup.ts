/**
 * Alertmanager's dedup decision (`notify/dedup_stage.go` `needsUpdate`) over
 * the group's nflog entry, and the earliest time a flush can change anything,
 * which is what keeps timers sparse.
 */
import type { GroupedAlert, GroupState, NotificationLogEntry } from './group-state.js';
import { isResolvedAt, parseAlertTime, timeoutClock, TIMEOUT_GRACE_MS } from './group-state.js';
import type { GroupingOptions } from './grouping-options.js';

/** Why a notification is sent; the same words as Alertmanager's `notification_reason`. */
export type NotificationReason =
  | 'first notification'
  | 'new alerts added'
  | 'some alerts resolved'
  | 'all alerts resolved'
  | 'repeat interval elapsed';

/** The group's alerts split by their state at one instant, each list in fingerprint order. */
export interface AlertsAt {
  firing: GroupedAlert[];
  resolved: GroupedAlert[];
}

/** Splits the group's alerts into firing and resolved at `now`, judging timeouts by the group's {@link timeoutClock}. */
export function alertsAt(state: GroupState, now: number): AlertsAt {
  const firing: GroupedAlert[] = [];
  const resolved: GroupedAlert[] = [];
  const clock = timeoutClock(state, now);
  for (const fp of Object.keys(state.alerts).sort()) {
    const alert = state.alerts[fp];
    if (alert) (isResolvedAt(alert, clock) ? resolved : firing).push(alert);
  }
  return { firing, resolved };
}

/**
 * Whether the receiver must hear about the group now, and why; null when not.
 * One deliberate difference from Alertmanager: a resolution only triggers a
 * message if the receiver had been told the alert was firing, because an
 * alert that fired and resolved between two flushes means nothing to it.
 */
export function notificationReason(
  entry: NotificationLogEntry | null,
  current: { firing: readonly string[]; resolved: readonly string[] },
  options: Pick<GroupingOptions, 'sendResolved' | 'repeatIntervalMs'>,
  now: number,
  { ignoreRepeat = false }: { ignoreRepeat?: boolean } = {},
): NotificationReason | null {
  if (!entry) return current.firing.length > 0 ? 'first notification' : null;
  const previouslyFiring = new Set(entry.firing);
  if (current.firing.some((fp) => !previouslyFiring.has(fp))) return 'new alerts added';
  // Logged even without send_resolved so the nflog stops listing alerts as firing.
  if (current.firing.length === 0) return entry.firing.length > 0 ? 'all alerts resolved' : null;
  if (options.sendResolved) {
    const previouslyResolved = new Set(entry.resolved);
    const newlyResolved = current.resolved.some((fp) => previouslyFiring.has(fp) && !previouslyResolved.has(fp));
    if (newlyResolved) return 'some alerts resolved';
  }
  if (!ignoreRepeat && now - entry.notifiedAt >= options.repeatIntervalMs) return 'repeat interval elapsed';
  return null;
}

/**
 * The earliest time a flush of an already-flushed group could notify or clean
 * up: right away (but group_interval after the last notification) when a
 * change is pending, else when repeat_interval elapses or a firing alert
 * reaches its endsAt, never sooner than group_interval after the last flush.
 * Null when the group has ended or is still in its first group_wait.
 */
export function nextUsefulFlush(state: GroupState, options: GroupingOptions, now: number): number | null {
  const entry = state.nflog;
  if (Object.keys(state.alerts).length === 0 || state.lastFlushAt === null) return null;
  if (!entry) return now;
  const { firing, resolved } = alertsAt(state, now);
  const sets = { firing: fingerprints(firing), resolved: fingerprints(resolved) };
  const notBefore = entry.notifiedAt + options.groupIntervalMs;
  if (notificationReason(entry, sets, options, now, { ignoreRepeat: true })) return Math.max(notBefore, now);

  let wake = Number.POSITIVE_INFINITY;
  if (firing.length > 0) {
    wake = entry.notifiedAt + options.repeatIntervalMs;
    for (const alert of firing) {
      const endsAt = parseAlertTime(alert.endsAt, alert.fingerprint);
      // When the timeout clock will have passed endsAt if no later update arrives (an update brings the flush forward).
      if (endsAt !== null) wake = Math.min(wake, (state.receivedThrough ?? Number.NEGATIVE_INFINITY) >= endsAt ? endsAt : endsAt + TIMEOUT_GRACE_MS);
    }
  } else {
    wake = notBefore; // only resolved alerts nobody was told about: drop them and end the group
  }
  return Math.max(wake, notBefore, state.lastFlushAt + options.groupIntervalMs);
}

/** Fingerprints of the alerts, in the order given. */
export function fingerprints(alerts: readonly GroupedAlert[]): string[] {
  return alerts.map((alert) => alert.fingerprint);
}
