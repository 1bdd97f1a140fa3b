import type { LabelSet } from '../../../lib/alert/alert.js';
import { ZERO_TIME } from '../../../lib/alert/alert.js';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import type { MuteReason } from '../../../lib/silence/muter.js';
import type {
  FlushDone,
  GroupNotification,
  GroupState,
  GroupedAlert,
  GroupTarget,
  GroupingOptions,
  GroupingOptionsInput,
} from '../../../lib/aggregate/index.js';
import { flushGroup, ingestAlerts, partitionAlerts, resolveGroupingOptions } from '../../../lib/aggregate/index.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
/** A fixed start for fake time. */
export const T0 = Date.parse('2026-03-01T12:00:00.000Z');

export const iso = (ms: number): string => new Date(ms).toISOString();

export const TARGET: GroupTarget = { receiver: 'acme/ops-slack', routeKey: '{}' };

/** A firing alert with Alertmanager's zero endsAt, unless told otherwise. */
export function firingAlert(
  labels: LabelSet,
  at: { startsAt?: number; endsAt?: number; updatedAt?: number; annotations?: LabelSet } = {},
): GroupedAlert {
  const alert: GroupedAlert = {
    labels,
    annotations: at.annotations ?? { summary: `${labels['alertname'] ?? 'alert'} is firing` },
    status: 'firing',
    startsAt: iso(at.startsAt ?? T0),
    endsAt: at.endsAt === undefined ? ZERO_TIME : iso(at.endsAt),
    generatorURL: 'http://prometheus.example/graph',
    fingerprint: fingerprint(labels),
  };
  if (at.updatedAt !== undefined) alert.updatedAt = iso(at.updatedAt);
  return alert;
}

/** The resolution of an alert: same labels, status resolved, endsAt at `endsAt`. */
export function resolvedAlert(
  labels: LabelSet,
  at: { startsAt?: number; endsAt: number; updatedAt?: number; annotations?: LabelSet },
): GroupedAlert {
  return { ...firingAlert(labels, at), status: 'resolved', endsAt: iso(at.endsAt) };
}

export const podAlert = (pod: string, extra: LabelSet = {}): LabelSet => ({
  alertname: 'PodCrashLooping',
  namespace: 'shop',
  pod,
  severity: 'warning',
  ...extra,
});

export interface SentNotification {
  at: number;
  notification: GroupNotification;
}

/**
 * Drives one receiver's groups the way the wiring will: ingest batches at
 * given times, and flush each group whenever fake time reaches its timer.
 */
export class GroupSimulator {
  readonly options: GroupingOptions;
  readonly states = new Map<string, GroupState>();
  readonly sent: SentNotification[] = [];
  now = T0;
  /** Called with the state a flush ran on and what it produced, for checks at each flush. */
  onFlush: ((before: GroupState, result: FlushDone, at: number) => void) | undefined;
  /** What mutes an alert at a flush (silences and inhibition as they stand then); nothing by default. */
  mutes: (alert: GroupedAlert, at: number) => MuteReason | undefined = () => undefined;
  /** Every mute the flushes reported as new or changed, for the alert trail. */
  readonly muteChanges: Array<{ at: number; fingerprint: string; reason: MuteReason; status: 'firing' | 'resolved' }> = [];

  constructor(options: GroupingOptionsInput = {}, readonly target: GroupTarget = TARGET) {
    this.options = resolveGroupingOptions(options);
  }

  /** Advances to `at` (flushing whatever falls due on the way), then ingests. */
  ingest(at: number, alerts: GroupedAlert[]): void {
    this.advanceTo(at);
    for (const batch of partitionAlerts(alerts, this.target, this.options.groupBy)) {
      const result = ingestAlerts(this.states.get(batch.group.id), batch, this.options, at);
      if (result.state) this.states.set(batch.group.id, result.state);
    }
  }

  /** Runs every flush due up to and including `at`, in time order. */
  advanceTo(at: number): void {
    for (;;) {
      const due = [...this.states.values()]
        .filter((state) => state.nextFlushAt !== null && state.nextFlushAt <= at)
        .sort((a, b) => (a.nextFlushAt ?? 0) - (b.nextFlushAt ?? 0))[0];
      if (!due || due.nextFlushAt === null) break;
      const flushAt = Math.max(due.nextFlushAt, this.now);
      this.now = flushAt;
      const result = flushGroup(due, this.options, flushAt, (alert) => this.mutes(alert, flushAt));
      if (!result.due) throw new Error('simulator flushed a group that was not due');
      for (const change of result.muteChanges) this.muteChanges.push({ at: flushAt, fingerprint: change.alert.fingerprint, reason: change.reason, status: change.status });
      this.onFlush?.(due, result, flushAt);
      this.states.set(due.group.id, result.state);
      if (result.notification) this.sent.push({ at: flushAt, notification: result.notification });
    }
    this.now = Math.max(this.now, at);
  }

  /** The only group's state (most tests use one group). */
  get state(): GroupState {
    const [state, ...others] = this.states.values();
    if (!state || others.length > 0) throw new Error(`expected one group, have ${this.states.size}`);
    return state;
  }
}

/** Fingerprints of a notification's alerts with the given status, sorted. */
export function fingerprintsIn(sent: SentNotification | undefined, status: 'firing' | 'resolved'): string[] {
  return (sent?.notification.payload.alerts ?? [])
    .filter((alert) => alert.status === status)
    .map((alert) => alert.fingerprint)
    .sort();
}

export const fp = (labels: LabelSet): string => fingerprint(labels);
