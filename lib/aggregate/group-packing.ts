/**
 * A group as it is stored: DynamoDB bills a write by the item's size, and a
 * group is rewritten at every ingest and flush, for every receiver. Packing
 * leaves out what can be derived: an alert's fingerprint (a hash of its
 * labels, and random bytes that no compression shrinks: two thirds of a
 * compressed group), the notification log's firing list when it names alerts
 * of the state (a bitmap over them), and the outbox's copies of firing alerts
 * the state holds exactly (their positions among the state's alerts).
 * Unpacking gives back the group as it was; items written before packing
 * read as they are.
 */
import { ZERO_TIME, type LabelSet, type NotifiedAlert } from '../alert/alert.js';
import { fingerprint } from '../alert/fingerprint.js';
import type { NotificationMessage } from '../pipeline/messages.js';
import { notifiedAlertOf } from './notification.js';
import type { GroupOutbox, StoredGroup } from './group-store.js';
import type { GroupedAlert, GroupState, NotificationLogEntry } from './group-state.js';

/** An alert without its fingerprint, unless it is not the hash of its labels. */
type PackedAlert = Omit<GroupedAlert, 'fingerprint'> & { fingerprint?: string };

type PackedLog = Omit<NotificationLogEntry, 'firing'> & ({ firing: string[] } | { firingOfAlerts: string });

type PackedNotification = Omit<NotificationMessage, 'alerts'> & { alerts: Array<NotifiedAlert | number> };

export type PackedGroup = Omit<StoredGroup, 'state' | 'outbox'> & {
  state: Omit<GroupState, 'alerts' | 'nflog'> & { alerts: PackedAlert[] | Record<string, GroupedAlert>; nflog: PackedLog | NotificationLogEntry | null };
  outbox?: Omit<GroupOutbox, 'notification'> & { notification?: PackedNotification | NotificationMessage };
};

export function packGroup(group: StoredGroup): PackedGroup {
  const { state, outbox } = group;
  const alerts = Object.entries(state.alerts).map(([fp, alert]): PackedAlert => {
    const { fingerprint: _fingerprint, ...rest } = alert;
    return fingerprintOf(alert.labels) === fp ? rest : { ...rest, fingerprint: fp };
  });
  const packed: PackedGroup = { ...group, state: { ...state, alerts, nflog: packLog(state.nflog, Object.keys(state.alerts)) } };
  const notification = outbox?.notification;
  if (outbox !== undefined && notification !== undefined) {
    const position = new Map(Object.keys(state.alerts).map((key, index) => [key, index]));
    const named = notification.alerts.map((alert) => (sameAsState(alert, state.alerts[alert.fingerprint]) ? position.get(alert.fingerprint)! : alert));
    packed.outbox = { ...outbox, notification: { ...notification, alerts: named } };
  }
  return packed;
}

export function unpackGroup(packed: PackedGroup): StoredGroup {
  const stored = packed.state.alerts;
  const alerts: Record<string, GroupedAlert> = {};
  if (Array.isArray(stored)) {
    for (const alert of stored) {
      const fp = alert.fingerprint ?? fingerprintOf(alert.labels);
      alerts[fp] = { fingerprint: fp, ...alert };
    }
  } else {
    Object.assign(alerts, stored);
  }
  const keys = Object.keys(alerts);
  const state: GroupState = { ...packed.state, alerts, nflog: unpackLog(packed.state.nflog, keys) };
  const group: StoredGroup = { ...packed, state, outbox: undefined };
  delete group.outbox;
  if (packed.outbox !== undefined) {
    const notification = packed.outbox.notification;
    group.outbox =
      notification === undefined
        ? (packed.outbox as GroupOutbox)
        : {
            ...packed.outbox,
            notification: { ...notification, alerts: notification.alerts.map((entry) => (typeof entry === 'number' ? notifiedAlertOf(alerts[keys[entry]!]!, 'firing') : entry)) },
          };
  }
  return group;
}

/**
 * Fingerprints of label sets unpacked or packed in this instance: a group
 * read, changed and written again hashes each alert's labels once.
 */
const knownFingerprints = new WeakMap<LabelSet, string>();

function fingerprintOf(labels: LabelSet): string {
  let fp = knownFingerprints.get(labels);
  if (fp === undefined) {
    fp = fingerprint(labels);
    knownFingerprints.set(labels, fp);
  }
  return fp;
}

/** The firing list as a bitmap over the state's alert keys (in stored order) when it names only those. */
function packLog(log: NotificationLogEntry | null, keys: string[]): PackedLog | null {
  if (log === null || log.firing.length === 0) return log;
  const position = new Map(keys.map((key, index) => [key, index]));
  if (!log.firing.every((fp) => position.has(fp))) return log;
  const bits = Buffer.alloc(Math.ceil(keys.length / 8));
  for (const fp of log.firing) {
    const index = position.get(fp)!;
    bits[index >> 3]! |= 1 << (index & 7);
  }
  const { firing: _firing, ...rest } = log;
  return { ...rest, firingOfAlerts: bits.toString('base64') };
}

function unpackLog(log: PackedLog | NotificationLogEntry | null, keys: string[]): NotificationLogEntry | null {
  if (log === null || !('firingOfAlerts' in log)) return log;
  const bits = Buffer.from(log.firingOfAlerts, 'base64');
  const { firingOfAlerts: _bits, ...rest } = log;
  // The list is kept sorted, as the flush wrote it.
  return { ...rest, firing: keys.filter((_, index) => (bits[index >> 3]! & (1 << (index & 7))) !== 0).sort() };
}

function sameAsState(alert: NotifiedAlert, stored: GroupedAlert | undefined): boolean {
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
