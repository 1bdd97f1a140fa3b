/**
 * The stored state of one aggregation group: plain JSON, one item per
 * (receiver, group), written with a condition on `version` so that two
 * workers never both apply a transition to the same state.
 */
import type { AlertStatus, NotifiedAlert } from '../alert/alert.js';
import { ZERO_TIME } from '../alert/alert.js';
import { sameLabelSet } from '../alert/labels.js';
import type { GroupIdentity } from './group-key.js';
import { PermanentMessageError } from '../pipeline/permanent-error.js';

/** Bumped when the stored shape changes incompatibly. */
export const GROUP_STATE_SCHEMA = 1;

/**
 * How long a dropped alert's tombstone, and an ended group's item, are kept.
 * Long enough to outlast SQS redeliveries and Prometheus' 15-minute resending
 * of resolved alerts, so late copies cannot revive a resolved alert.
 */
export const TOMBSTONE_RETENTION_MS = 60 * 60_000;

/**
 * The latest known version of one alert of the group, as routed to it, with
 * when ingest accepted it (absent from updates routed before it was stamped).
 */
export type GroupedAlert = NotifiedAlert & {
  /** RFC 3339; when the update was received. Orders updates that are otherwise equal. */
  updatedAt?: string;
};

/** What is left of an alert dropped after its resolution was flushed: enough to reject older copies. */
export interface AlertTombstone {
  status: AlertStatus;
  startsAt: string;
  endsAt: string;
  /** Epoch ms; tombstones are pruned {@link TOMBSTONE_RETENTION_MS} later. */
  droppedAt: number;
  /** When ingest accepted the dropped update: only a later update can bring the alert back. */
  updatedAt?: string;
}

/** What is kept of an alert when it is dropped from its group. */
export function tombstoneOf(alert: GroupedAlert, droppedAt: number): AlertTombstone {
  const tombstone: AlertTombstone = { status: alert.status, startsAt: alert.startsAt, endsAt: alert.endsAt, droppedAt };
  if (alert.updatedAt !== undefined) tombstone.updatedAt = alert.updatedAt;
  return tombstone;
}

/** Alertmanager's nflog entry: what the receiver was last told, and when. */
export interface NotificationLogEntry {
  /** Fingerprints firing at the last notification, sorted. */
  firing: string[];
  /** Fingerprints resolved at the last notification, sorted. */
  resolved: string[];
  /** Epoch ms of the last notification (or of the silent "all resolved" log when send_resolved is off). */
  notifiedAt: number;
}

/** One group's state. All times are epoch milliseconds. */
export interface GroupState {
  schema: typeof GROUP_STATE_SCHEMA;
  /** Incremented by every transition that changes anything: the optimistic-lock condition. */
  version: number;
  group: GroupIdentity;
  /** When the current life of the group began (first alert after being empty). */
  createdAt: number;
  /** Last flush in the current life; null while the first group_wait runs. */
  lastFlushAt: number | null;
  /** When the next flush is due; null when the group has ended. */
  nextFlushAt: number | null;
  /** Set when the group has ended: the item may be deleted after this (use it as the DynamoDB TTL). */
  expiresAt: number | null;
  alerts: Record<string, GroupedAlert>;
  tombstones: Record<string, AlertTombstone>;
  nflog: NotificationLogEntry | null;
  /**
   * The latest ingest time (epoch ms) of the updates merged into the group:
   * how far the group has caught up with its senders (see `timeoutClock`).
   */
  receivedThrough?: number;
  /**
   * Alerts muted at the last flush, by fingerprint, with what muted them (see
   * `muteKey`): lets the alert trail record a mute once, when it begins or changes.
   */
  muted?: Record<string, string>;
}

/** An alert's timestamp cannot be read; permanent, the message is malformed. */
export class InvalidAlertError extends PermanentMessageError {
  readonly fingerprint: string;

  constructor(fingerprint: string, message: string) {
    super(`alert ${fingerprint}: ${message}`);
    this.name = 'InvalidAlertError';
    this.fingerprint = fingerprint;
  }
}

const ZERO_TIME_MS = Date.parse(ZERO_TIME);

/** Epoch ms of an RFC 3339 timestamp; null for Alertmanager's zero time or an empty string (no known time). */
export function parseAlertTime(value: string, fingerprint = '?'): number | null {
  if (value === '' || value === ZERO_TIME) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidAlertError(fingerprint, `unreadable timestamp "${value}"`);
  return ms <= ZERO_TIME_MS ? null : ms;
}

/** Resolved means marked resolved, or past its `endsAt` at `now` (Alertmanager's `Resolved()`). */
export function isResolvedAt(alert: Pick<GroupedAlert, 'status' | 'endsAt' | 'fingerprint'>, now: number): boolean {
  if (alert.status === 'resolved') return true;
  const endsAt = parseAlertTime(alert.endsAt, alert.fingerprint);
  return endsAt !== null && endsAt <= now;
}

/**
 * How long a group waits, past an alert's `endsAt`, for a refresh that may
 * still be in the queues before it judges the alert timed out, when no later
 * update of the group shows that it has caught up (see {@link timeoutClock}).
 */
export const TIMEOUT_GRACE_MS = 60_000;

/**
 * The instant against which a group judges that a firing alert's `endsAt` has
 * passed: the ingest time the group has caught up to, so that queue lag never
 * makes an alert whose sender refreshed it in time flap to resolved; but no
 * earlier than `TIMEOUT_GRACE_MS` ago, so an alert whose sender went quiet
 * still times out.
 */
export function timeoutClock(state: Pick<GroupState, 'receivedThrough'>, now: number): number {
  return Math.min(now, Math.max(state.receivedThrough ?? Number.NEGATIVE_INFINITY, now - TIMEOUT_GRACE_MS));
}

/** Whether the group has no alerts left: its nflog and tombstones are all that remain. */
export function hasEnded(state: GroupState): boolean {
  return Object.keys(state.alerts).length === 0;
}

type VersionFields = Pick<GroupedAlert, 'status' | 'startsAt' | 'endsAt' | 'fingerprint'> & { updatedAt?: string };

/**
 * Orders two versions of the same alert, newest last. A later episode
 * (startsAt) wins; within an episode a resolution beats firing, so a late
 * redelivery of a firing update cannot undo it; then the later endsAt (each
 * Prometheus resend pushes it forward), where no known end counts as the
 * latest, so an open-ended firing update is never mistaken for a stale one
 * and timed out. Content decides before arrival time so that clock skew
 * between ingest workers and resends of identical content do not churn the state.
 */
export function compareAlertVersions(a: VersionFields, b: VersionFields): number {
  return (
    compareTimes(a.startsAt, b.startsAt, a.fingerprint, Number.NEGATIVE_INFINITY) ||
    statusRank(a.status) - statusRank(b.status) ||
    compareTimes(a.endsAt, b.endsAt, a.fingerprint, Number.POSITIVE_INFINITY) ||
    compareTimes(a.updatedAt ?? '', b.updatedAt ?? '', a.fingerprint, Number.NEGATIVE_INFINITY)
  );
}

/**
 * Orders two updates of one alert by when ingest accepted them, later last
 * (0: accepted together, so a redelivered copy never changes what it was
 * merged into). Updates without an ingest time are ordered by content, so
 * merging them does not depend on the order the queues deliver them in.
 */
export function compareUpdates(a: GroupedAlert, b: GroupedAlert): number {
  if (a.updatedAt !== undefined && b.updatedAt !== undefined) return compareTimes(a.updatedAt, b.updatedAt, a.fingerprint, Number.NEGATIVE_INFINITY);
  return compareGroupedAlerts(a, b);
}

/**
 * Alertmanager's merge of two updates of one alert (types.Alert.Merge, applied
 * when their active ranges overlap): the later update wins, with the earliest
 * `startsAt`; a later explicit `endsAt` of the earlier update is kept, for a
 * firing alert, or when both are resolved. Updates whose ranges do not overlap
 * are different episodes: the later one replaces the other.
 */
export function mergeAlertUpdates(a: GroupedAlert, b: GroupedAlert): GroupedAlert {
  const [older, younger] = compareUpdates(a, b) <= 0 ? [a, b] : [b, a];
  const start = (alert: GroupedAlert) => parseAlertTime(alert.startsAt, alert.fingerprint) ?? Number.NEGATIVE_INFINITY;
  const end = (alert: GroupedAlert) => parseAlertTime(alert.endsAt, alert.fingerprint) ?? Number.POSITIVE_INFINITY;
  const within = (t: number) => t > start(older) && t < end(older);
  if (!within(end(younger)) && !within(start(younger))) return younger;
  const merged: GroupedAlert = { ...younger };
  if (start(older) < start(younger)) merged.startsAt = older.startsAt;
  const at = parseAlertTime(younger.updatedAt ?? '', younger.fingerprint) ?? Number.POSITIVE_INFINITY;
  const olderEndsLater = end(older) > end(younger) && end(older) !== Number.POSITIVE_INFINITY;
  if (isResolvedAt(younger, at)) {
    if (isResolvedAt(older, at) && olderEndsLater) merged.endsAt = older.endsAt;
  } else if (olderEndsLater) {
    merged.endsAt = older.endsAt;
  }
  return merged;
}

/** Total order over full versions: ties on time are broken by content so that merging commutes. */
export function compareGroupedAlerts(a: GroupedAlert, b: GroupedAlert): number {
  const byVersion = compareAlertVersions(a, b);
  if (byVersion !== 0) return byVersion;
  const ca = canonicalJson(a);
  const cb = canonicalJson(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/** Whether two updates of an alert say the same: every field, labels and annotations by value (what canonicalJson would tell, without printing both). */
export function sameGroupedAlert(a: GroupedAlert, b: GroupedAlert): boolean {
  return (
    a.fingerprint === b.fingerprint &&
    a.status === b.status &&
    a.startsAt === b.startsAt &&
    a.endsAt === b.endsAt &&
    a.generatorURL === b.generatorURL &&
    a.updatedAt === b.updatedAt &&
    sameLabelSet(a.labels, b.labels) &&
    sameLabelSet(a.annotations, b.annotations)
  );
}

/** JSON with object keys sorted, so equal values always print the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

function statusRank(status: AlertStatus): number {
  return status === 'resolved' ? 1 : 0;
}

function compareTimes(a: string, b: string, fingerprint: string, unknown: number): number {
  const ta = parseAlertTime(a, fingerprint) ?? unknown;
  const tb = parseAlertTime(b, fingerprint) ?? unknown;
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}
