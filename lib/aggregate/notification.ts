/**
 * The notification a flush produces, in Alertmanager's webhook payload shape
 * (version "4"), so that receivers written for Alertmanager parse it as is.
 */
import { createHash } from 'node:crypto';
import type { AlertStatus, LabelSet, NotifiedAlert } from '../alert/alert.js';
import type { NotificationPayload } from '../pipeline/messages.js';
import { ZERO_TIME } from '../alert/alert.js';
import type { NotificationReason } from './dedup.js';
import type { GroupIdentity } from './group-key.js';
import { compareBytes } from './group-key.js';
import type { GroupedAlert } from './group-state.js';
import { canonicalJson } from './group-state.js';

/** A notification decided by a flush, ready for the delivery queue. */
export interface GroupNotification {
  /** Deterministic: workers flushing the same state compute the same id, so delivery can drop duplicates. */
  id: string;
  /** The `nextFlushAt` the flush ran for. */
  scheduledAt: number;
  reason: NotificationReason;
  payload: NotificationPayload;
}

/** What goes into one message: the alerts to report as firing and as resolved. */
export interface NotificationContent {
  group: GroupIdentity;
  firing: readonly GroupedAlert[];
  resolved: readonly GroupedAlert[];
  maxAlerts: number;
}

/**
 * Builds the payload. Firing alerts come first, then resolved ones, each part
 * in Alertmanager's order (job, instance, then label set); with `maxAlerts`
 * the first ones are kept, so firing alerts are the last to be cut. Common
 * labels and annotations are computed over the alerts kept, as Alertmanager
 * truncates before templating.
 */
export function buildNotificationPayload(content: NotificationContent): NotificationPayload {
  const ordered = [...[...content.firing].sort(compareForMessage), ...[...content.resolved].sort(compareForMessage)];
  const limit = content.maxAlerts > 0 ? content.maxAlerts : ordered.length;
  const alerts = ordered.slice(0, limit).map((alert, index) => notifiedAlertOf(alert, index < content.firing.length ? 'firing' : 'resolved'));
  return {
    groupKey: content.group.key,
    status: content.firing.length > 0 ? 'firing' : 'resolved',
    groupLabels: { ...content.group.labels },
    commonLabels: commonPairs(alerts.map((alert) => alert.labels)),
    commonAnnotations: commonPairs(alerts.map((alert) => alert.annotations)),
    truncatedAlerts: ordered.length - alerts.length,
    alerts,
  };
}

/**
 * The notification's identity: receiver, group key, the scheduled flush time
 * and the fingerprints reported. Two workers racing on one flush agree on it;
 * a retry after a crash between sending and recording agrees too unless the
 * alerts changed meanwhile, in which case the new message carries news.
 */
export function notificationId(
  group: Pick<GroupIdentity, 'receiver' | 'key'>,
  scheduledAt: number,
  firing: readonly string[],
  resolved: readonly string[],
): string {
  const identity = canonicalJson([group.receiver, group.key, scheduledAt, [...firing].sort(), [...resolved].sort()]);
  return createHash('sha256').update(identity, 'utf8').digest('hex');
}

/** Label pairs identical across every set; empty for no sets. */
export function commonPairs(sets: readonly LabelSet[]): LabelSet {
  const [first, ...rest] = sets;
  if (!first) return {};
  const common: LabelSet = {};
  for (const name of Object.keys(first).sort(compareBytes)) {
    const value = first[name];
    if (value !== undefined && rest.every((set) => set[name] === value)) common[name] = value;
  }
  return common;
}

/**
 * The alert as the notification reports it: Alertmanager's zero time as a
 * firing alert's end. Label sets are shared with the group state, which the
 * flush replaces rather than changes.
 */
export function notifiedAlertOf(alert: GroupedAlert, status: AlertStatus): NotifiedAlert {
  const { labels, annotations, startsAt, generatorURL, fingerprint } = alert;
  return { status, labels, annotations, startsAt, endsAt: status === 'firing' ? ZERO_TIME : alert.endsAt, generatorURL, fingerprint };
}

/** Alertmanager's `AlertSlice` order: by job, then instance (present before absent), then label set. */
function compareForMessage(a: GroupedAlert, b: GroupedAlert): number {
  for (const name of ['job', 'instance']) {
    const va = a.labels[name];
    const vb = b.labels[name];
    if (va === undefined && vb === undefined) continue;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    if (va !== vb) return compareBytes(va, vb);
  }
  return compareLabelSets(a.labels, b.labels) || compareBytes(a.fingerprint, b.fingerprint);
}

/** Prometheus' `LabelSet.Before`: fewer labels first, then the first differing pair in name order. */
function compareLabelSets(a: LabelSet, b: LabelSet): number {
  const na = Object.keys(a).length;
  const nb = Object.keys(b).length;
  if (na !== nb) return na - nb;
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareBytes);
  for (const name of names) {
    const va = a[name];
    const vb = b[name];
    if (va === undefined) return -1;
    if (vb === undefined) return 1;
    if (va !== vb) return compareBytes(va, vb);
  }
  return 0;
}
