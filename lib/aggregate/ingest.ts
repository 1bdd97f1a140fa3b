/**
 * Merging incoming alerts into a group's state. Pure: the caller loads the
 * state by `batch.group.id`, calls {@link ingestAlerts}, and if `changed`
 * writes it back on condition that the stored version is still the one it read.
 */
import { fingerprint as computeFingerprint } from '../alert/fingerprint.js';
import { PermanentMessageError } from '../pipeline/permanent-error.js';
import { nextUsefulFlush } from './dedup.js';
import type { AlertBatch, GroupIdentity } from './group-key.js';
import { groupKey, groupLabelsFor } from './group-key.js';
import type { AlertTombstone, GroupedAlert, GroupState } from './group-state.js';
import {
  GROUP_STATE_SCHEMA,
  TOMBSTONE_RETENTION_MS,
  tombstoneOf,
  canonicalJson,
  compareAlertVersions,
  compareGroupedAlerts,
  compareUpdates,
  mergeAlertUpdates,
  hasEnded,
  isResolvedAt,
  parseAlertTime,
  sameGroupedAlert,
} from './group-state.js';
import { sameLabelSet } from '../alert/labels.js';
import type { GroupingOptions } from './grouping-options.js';

/** The outcome of {@link ingestAlerts}. */
export interface IngestResult {
  /** The new state; the input state itself when nothing changed (undefined stays undefined then). */
  state: GroupState | undefined;
  /** False when the alerts were all known already: skip the write. */
  changed: boolean;
  /**
   * When set, send a timer message that fires at this time (see `sqsDelay`).
   * Null when the timer already scheduled still serves.
   */
  flushAt: number | null;
}

/** An alert was given to a group it does not belong to, or a state of another group; a wiring bug. */
export class GroupMismatchError extends PermanentMessageError {
  constructor(message: string) {
    super(message);
    this.name = 'GroupMismatchError';
  }
}

/**
 * Merges alerts into their group. A newer version of an alert replaces the
 * older (see `compareAlertVersions`), an older or identical one is ignored, so
 * duplicate and reordered deliveries change nothing. A resolved alert the
 * group does not hold is only remembered (as a tombstone), never starts or
 * restarts a group. Timers: a new group (or one restarting after it ended)
 * flushes after group_wait, and not before group_interval since its last
 * notification; an active group keeps its timer unless a change worth
 * notifying makes an earlier flush useful.
 */
export function ingestAlerts(
  state: GroupState | undefined,
  batch: AlertBatch<GroupedAlert>,
  options: GroupingOptions,
  now: number,
): IngestResult {
  const group = batch.group;
  if (state && state.group.key !== group.key) {
    throw new GroupMismatchError(`state of group ${state.group.key} given for group ${group.key}`);
  }
  const incoming = newestPerFingerprint(batch.alerts.map((alert) => toGroupedAlert(alert, group, options)));

  const base = state ?? emptyState(group, now);
  const alerts = { ...base.alerts };
  const tombstones = { ...base.tombstones };
  let changed = false;

  // An update is judged as its sender meant it when ingest accepted it, not after time in the queues.
  const resolvedAsSent = (alert: GroupedAlert) => isResolvedAt(alert, parseAlertTime(alert.updatedAt ?? '', alert.fingerprint) ?? now);
  const firing = incoming.filter((alert) => !resolvedAsSent(alert));
  const resolved = incoming.filter((alert) => resolvedAsSent(alert));
  // Firing alerts first: whether the group is active must not depend on the order within the batch.
  for (const alert of firing) changed = apply(alert, alerts, tombstones, true, now) || changed;
  const active = Object.keys(alerts).length > 0;
  for (const alert of resolved) changed = apply(alert, alerts, tombstones, active, now) || changed;

  if (!changed) return { state, changed: false, flushAt: null };

  const next: GroupState = { ...base, version: base.version + 1, alerts, tombstones };
  const receivedThrough = Math.max(base.receivedThrough ?? Number.NEGATIVE_INFINITY, ...incoming.map((alert) => parseAlertTime(alert.updatedAt ?? '', alert.fingerprint) ?? Number.NEGATIVE_INFINITY));
  if (receivedThrough !== Number.NEGATIVE_INFINITY) next.receivedThrough = receivedThrough;
  if (!active) {
    next.expiresAt = now + TOMBSTONE_RETENTION_MS;
    return { state: next, changed: true, flushAt: null };
  }
  if (hasEnded(base)) {
    const notBefore = base.nflog ? base.nflog.notifiedAt + options.groupIntervalMs : Number.NEGATIVE_INFINITY;
    next.createdAt = now;
    next.lastFlushAt = null;
    next.expiresAt = null;
    next.nextFlushAt = Math.max(now + options.groupWaitMs, notBefore);
    return { state: next, changed: true, flushAt: next.nextFlushAt };
  }

  let flushAt: number | null = null;
  let scheduled = base.nextFlushAt ?? now;
  const useful = nextUsefulFlush(next, options, now);
  if (useful !== null && useful < scheduled) {
    scheduled = Math.max(useful, now);
    flushAt = scheduled;
  } else if (scheduled <= now) {
    // Overdue: the timer may be in flight or lost. A spare one is harmless (see `timerAction`).
    flushAt = scheduled;
  }
  next.nextFlushAt = scheduled;
  return { state: next, changed: true, flushAt };
}

function apply(
  alert: GroupedAlert,
  alerts: Record<string, GroupedAlert>,
  tombstones: Record<string, AlertTombstone>,
  mayAdd: boolean,
  now: number,
): boolean {
  const current = alerts[alert.fingerprint];
  if (current) {
    if (compareUpdates(alert, current) === 0) return false;
    const merged = mergeAlertUpdates(current, alert);
    if (sameGroupedAlert(merged, current)) return false;
    alerts[alert.fingerprint] = merged;
    return true;
  }
  const tombstone = tombstones[alert.fingerprint];
  if (tombstone && !revives(alert, tombstone)) return false;
  if (mayAdd) {
    alerts[alert.fingerprint] = alert;
    delete tombstones[alert.fingerprint];
  } else {
    tombstones[alert.fingerprint] = tombstoneOf(alert, now);
  }
  return true;
}

/**
 * Whether an update brings back an alert dropped from the group: only one
 * accepted by ingest after the dropped one (a late redelivery never does), and
 * never a resend of the same resolution (Prometheus resends resolved alerts
 * for 15 minutes; they must not churn the group). Updates without an ingest
 * time fall back to ordering by content.
 */
function revives(alert: GroupedAlert, tombstone: AlertTombstone): boolean {
  const byContent = compareAlertVersions({ ...alert, updatedAt: '' }, { ...tombstone, fingerprint: alert.fingerprint, updatedAt: '' });
  if (byContent === 0) return false;
  if (alert.updatedAt !== undefined && tombstone.updatedAt !== undefined) return alert.updatedAt > tombstone.updatedAt;
  return byContent > 0;
}

/** Each fingerprint's updates merged in the order ingest accepted them, so the outcome does not depend on the batch's order. */
function newestPerFingerprint(alerts: readonly GroupedAlert[]): GroupedAlert[] {
  const updates = new Map<string, GroupedAlert[]>();
  for (const alert of alerts) {
    const seen = updates.get(alert.fingerprint);
    if (seen === undefined) updates.set(alert.fingerprint, [alert]);
    else seen.push(alert);
  }
  return [...updates.keys()].sort().map((fp) => {
    const all = updates.get(fp)!;
    // Most batches carry one update per alert: nothing to merge.
    if (all.length === 1) return all[0]!;
    const distinct = new Map(all.map((alert) => [canonicalJson(alert), alert]));
    const [first, ...rest] = [...distinct.values()].sort(compareGroupedAlerts);
    return rest.reduce(mergeAlertUpdates, first!);
  });
}

function toGroupedAlert(alert: GroupedAlert, group: GroupIdentity, options: GroupingOptions): GroupedAlert {
  const fp = alert.fingerprint || computeFingerprint(alert.labels);
  // The same group labels under the same route key is the same group key (the key prints them); comparing them costs less.
  const labels = groupLabelsFor(alert.labels, options.groupBy);
  if (!sameLabelSet(labels, group.labels)) throw new GroupMismatchError(`alert ${fp} belongs to group ${groupKey(group.routeKey, labels)}, not ${group.key}`);
  parseAlertTime(alert.startsAt, fp);
  parseAlertTime(alert.endsAt, fp);
  if (alert.updatedAt !== undefined) parseAlertTime(alert.updatedAt, fp);
  const grouped: GroupedAlert = {
    fingerprint: fp,
    status: alert.status,
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    generatorURL: alert.generatorURL,
  };
  if (alert.updatedAt !== undefined) grouped.updatedAt = alert.updatedAt;
  return grouped;
}

function emptyState(group: GroupIdentity, now: number): GroupState {
  return {
    schema: GROUP_STATE_SCHEMA,
    version: 0,
    group,
    createdAt: now,
    lastFlushAt: null,
    nextFlushAt: null,
    expiresAt: null,
    alerts: {},
    tombstones: {},
    nflog: null,
  };
}
