import { ZERO_TIME } from '../alert/alert.js';
import type { NotificationAlert, NotificationMessage, ReceiverRef } from '../pipeline/messages.js';
import type { GroupedAlert, GroupState } from './group-state.js';
import type { GroupingOptions } from './grouping-options.js';

/**
 * What a flush decided, kept with the state it produced (a transactional
 * outbox): if the worker dies after writing the state but before sending, the
 * redelivered timer finds the outbox and sends it then, instead of the
 * notification being lost.
 */
export interface GroupOutbox {
  /** The timer (`scheduledFor`) whose flush produced this outbox. */
  scheduledFor: number;
  notification?: NotificationMessage;
  nextFlushAt: number | null;
  /** Set once the notification and the next timer are on their queues. */
  dispatched: boolean;
}

/** One group as stored: its state, the options it runs with, and the flush outbox. */
export interface StoredGroup {
  state: GroupState;
  options: GroupingOptions;
  receiver: ReceiverRef;
  outbox?: GroupOutbox;
}

/** Group state storage with optimistic concurrency on `state.version`. */
export interface GroupStore {
  get(groupId: string): Promise<StoredGroup | undefined>;
  /** Writes if the stored version is still `expectedVersion` (undefined: the group must not exist); else VersionConflictError. */
  put(group: StoredGroup, expectedVersion: number | undefined): Promise<void>;
  /** Marks the outbox of the flush for `scheduledFor` as dispatched; a no-op if a later flush replaced it. */
  markDispatched(groupId: string, scheduledFor: number): Promise<void>;
}

/**
 * A stored group whose outbox names, instead of copying, the firing alerts it
 * shares with the state written with it: a flush's notification repeats most
 * of the group, and the item is billed by its size. An entry is the alert's
 * fingerprint where the state holds exactly what the message says of it.
 */
export type PackedGroup = Omit<StoredGroup, 'outbox'> & {
  outbox?: Omit<GroupOutbox, 'notification'> & { notification?: Omit<NotificationMessage, 'alerts'> & { alerts: Array<NotificationAlert | string> } };
};

export function packGroup(group: StoredGroup): PackedGroup {
  const notification = group.outbox?.notification;
  if (group.outbox === undefined || notification === undefined) return group;
  const alerts = notification.alerts.map((alert) => (sameAsState(alert, group.state.alerts[alert.fingerprint]) ? alert.fingerprint : alert));
  return { ...group, outbox: { ...group.outbox, notification: { ...notification, alerts } } };
}

export function unpackGroup(packed: PackedGroup): StoredGroup {
  const notification = packed.outbox?.notification;
  if (packed.outbox === undefined || notification === undefined) return packed as StoredGroup;
  const alerts = notification.alerts.map((entry) => (typeof entry === 'string' ? firingAlertOf(packed.state.alerts[entry]!) : entry));
  return { ...packed, outbox: { ...packed.outbox, notification: { ...notification, alerts } } };
}

/** How a firing alert of the state appears in a message (Alertmanager's zero time as its end). */
function firingAlertOf(alert: GroupedAlert): NotificationAlert {
  const { labels, annotations, startsAt, generatorURL, fingerprint } = alert;
  return { status: 'firing', labels, annotations, startsAt, endsAt: ZERO_TIME, generatorURL, fingerprint };
}

function sameAsState(alert: NotificationAlert, stored: GroupedAlert | undefined): boolean {
  return (
    stored !== undefined &&
    alert.status === 'firing' &&
    alert.endsAt === ZERO_TIME &&
    alert.startsAt === stored.startsAt &&
    alert.generatorURL === stored.generatorURL &&
    samePairs(alert.labels, stored.labels) &&
    samePairs(alert.annotations, stored.annotations)
  );
}

function samePairs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}
