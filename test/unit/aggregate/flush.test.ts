import { describe, expect, it } from 'vitest';
import type { GroupState } from '../../../lib/aggregate/index.js';
import { flushGroup, ingestAlerts, partitionAlerts, resolveGroupingOptions, timerAction } from '../../../lib/aggregate/index.js';
import {
  GroupSimulator,
  HOUR,
  MINUTE,
  SECOND,
  T0,
  TARGET,
  firingAlert,
  fingerprintsIn,
  fp,
  podAlert,
  resolvedAlert,
} from './builders.js';

const BY_ALERTNAME = { groupBy: ['alertname'] };
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map((pod) => podAlert(pod)) as [
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
];

describe('flushGroup timing', () => {
  it('sends the first notification after group_wait with every alert that arrived meanwhile', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);

    sim.ingest(T0, [firingAlert(A)]);
    sim.ingest(T0 + 10 * SECOND, [firingAlert(B)]);
    sim.ingest(T0 + 29 * SECOND, [firingAlert(C)]);
    sim.advanceTo(T0 + 30 * SECOND - 1);
    const before = sim.sent.length;
    sim.advanceTo(T0 + 30 * SECOND);

    expect(before).toBe(0);
    expect(sim.sent).toHaveLength(1);
    expect(sim.sent[0]?.at).toBe(T0 + 30 * SECOND);
    expect(sim.sent[0]?.notification.reason).toBe('first notification');
    expect(fingerprintsIn(sim.sent[0], 'firing')).toEqual([fp(A), fp(B), fp(C)].sort());
  });

  it('notifies later additions no sooner than group_interval after the last notification', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 30 * SECOND);

    sim.ingest(T0 + 1 * MINUTE, [firingAlert(B, { startsAt: T0 + MINUTE })]);
    sim.advanceTo(T0 + 30 * SECOND + 5 * MINUTE - 1);
    const before = sim.sent.length;
    sim.advanceTo(T0 + 30 * SECOND + 5 * MINUTE);

    expect(before).toBe(1);
    expect(sim.sent).toHaveLength(2);
    expect(sim.sent[1]?.at).toBe(T0 + 30 * SECOND + 5 * MINUTE);
    expect(sim.sent[1]?.notification.reason).toBe('new alerts added');
    expect(fingerprintsIn(sim.sent[1], 'firing')).toEqual([fp(A), fp(B)].sort());
  });

  it('brings the flush forward when an alert is added long after the last notification', () => {
    const options = resolveGroupingOptions(BY_ALERTNAME);
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 2 * HOUR);
    const [batch] = partitionAlerts([firingAlert(B)], TARGET, options.groupBy);

    const result = ingestAlerts(sim.state, batch!, options, T0 + 2 * HOUR);

    expect(sim.state.nextFlushAt).toBe(T0 + 30 * SECOND + 4 * HOUR);
    expect(result.flushAt).toBe(T0 + 2 * HOUR);
    expect(result.state?.nextFlushAt).toBe(T0 + 2 * HOUR);
  });

  it('repeats an unchanged firing group after repeat_interval and not before', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);

    sim.advanceTo(T0 + 30 * SECOND + 4 * HOUR - 1);
    const before = sim.sent.length;
    sim.advanceTo(T0 + 30 * SECOND + 9 * HOUR);

    expect(before).toBe(1);
    expect(sim.sent.map((sent) => sent.at)).toEqual([
      T0 + 30 * SECOND,
      T0 + 30 * SECOND + 4 * HOUR,
      T0 + 30 * SECOND + 8 * HOUR,
    ]);
    expect(sim.sent[1]?.notification.reason).toBe('repeat interval elapsed');
  });

  it('repeats on time while Prometheus keeps re-sending the alerts every minute', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    for (let t = T0; t <= T0 + 5 * HOUR; t += MINUTE) {
      sim.ingest(t, [firingAlert(A, { endsAt: t + 4 * MINUTE }), firingAlert(B, { endsAt: t + 4 * MINUTE })]);
    }

    expect(sim.sent.map((sent) => sent.at)).toEqual([T0 + 30 * SECOND, T0 + 30 * SECOND + 4 * HOUR]);
  });

  it('says when the flush is due if called early', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);

    const result = flushGroup(sim.state, sim.options, T0 + 10 * SECOND);

    expect(result).toEqual({ due: false, dueAt: T0 + 30 * SECOND });
  });
});

describe('flushGroup resolution', () => {
  it('reports resolved alerts with send_resolved, then ends the group when all resolved', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);
    sim.advanceTo(T0 + 30 * SECOND);

    sim.ingest(T0 + 2 * MINUTE, [resolvedAlert(B, { endsAt: T0 + 2 * MINUTE })]);
    sim.advanceTo(T0 + 6 * MINUTE);
    sim.ingest(T0 + 20 * MINUTE, [resolvedAlert(A, { endsAt: T0 + 20 * MINUTE })]);
    sim.advanceTo(T0 + 21 * MINUTE);

    expect(sim.sent.map((sent) => [sent.at, sent.notification.reason, sent.notification.payload.status])).toEqual([
      [T0 + 30 * SECOND, 'first notification', 'firing'],
      [T0 + 30 * SECOND + 5 * MINUTE, 'some alerts resolved', 'firing'],
      [T0 + 20 * MINUTE, 'all alerts resolved', 'resolved'],
    ]);
    expect(fingerprintsIn(sim.sent[1], 'firing')).toEqual([fp(A)]);
    expect(fingerprintsIn(sim.sent[1], 'resolved')).toEqual([fp(B)]);
    expect(fingerprintsIn(sim.sent[2], 'resolved')).toEqual([fp(A)]);
    expect(sim.state.alerts).toEqual({});
    expect(sim.state.nextFlushAt).toBeNull();
    expect(sim.state.expiresAt).toBeGreaterThan(T0 + 20 * MINUTE);
    expect(timerAction(sim.state, T0 + 25 * MINUTE, T0 + 25 * MINUTE).action).toBe('drop');
  });

  it('treats an alert whose endsAt has passed as resolved', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A, { endsAt: T0 + 4 * MINUTE }), firingAlert(B)]);

    sim.advanceTo(T0 + 10 * MINUTE);

    expect(sim.sent.map((sent) => sent.notification.reason)).toEqual(['first notification', 'some alerts resolved']);
    expect(sim.sent[1]?.at).toBe(T0 + 30 * SECOND + 5 * MINUTE);
    expect(fingerprintsIn(sim.sent[1], 'resolved')).toEqual([fp(A)]);
  });

  it('sends nothing about resolutions without send_resolved, but still ends the group', () => {
    const sim = new GroupSimulator({ ...BY_ALERTNAME, sendResolved: false });
    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);
    sim.advanceTo(T0 + 30 * SECOND);

    sim.ingest(T0 + 2 * MINUTE, [resolvedAlert(B, { endsAt: T0 + 2 * MINUTE })]);
    sim.advanceTo(T0 + 10 * MINUTE);
    sim.ingest(T0 + 20 * MINUTE, [resolvedAlert(A, { endsAt: T0 + 20 * MINUTE })]);
    sim.advanceTo(T0 + 30 * MINUTE);

    expect(sim.sent).toHaveLength(1);
    expect(sim.state.alerts).toEqual({});
    expect(sim.state.nextFlushAt).toBeNull();
    // The silent "all resolved" entry clears the firing set, as Alertmanager logs it without send_resolved.
    expect(sim.state.nflog).toEqual({ firing: [], resolved: [fp(A), fp(B)].sort(), notifiedAt: T0 + 20 * MINUTE });
  });

  it('never sends an alert that fired and resolved within group_wait', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);
    sim.ingest(T0 + 10 * SECOND, [resolvedAlert(A, { endsAt: T0 + 10 * SECOND })]);

    sim.advanceTo(T0 + HOUR);

    expect(sim.sent).toEqual([]);
    expect(sim.state.nextFlushAt).toBeNull();
  });

  it('does not report a resolution the receiver never saw firing', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 30 * SECOND);

    sim.ingest(T0 + 1 * MINUTE, [firingAlert(B, { startsAt: T0 + MINUTE })]);
    sim.ingest(T0 + 2 * MINUTE, [resolvedAlert(B, { startsAt: T0 + MINUTE, endsAt: T0 + 2 * MINUTE })]);
    sim.advanceTo(T0 + 2 * HOUR);

    expect(sim.sent).toHaveLength(1);
  });
});

describe('flushGroup with an alert that resolved and fired again', () => {
  it('notifies the new episode as firing once the resolution was reported', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);
    sim.ingest(T0 + 1 * MINUTE, [resolvedAlert(A, { endsAt: T0 + MINUTE })]);
    sim.ingest(T0 + 40 * SECOND, [firingAlert(A)]); // the first alert again, redelivered late

    sim.advanceTo(T0 + 6 * MINUTE);
    sim.ingest(T0 + 7 * MINUTE, [firingAlert(A, { startsAt: T0 + 7 * MINUTE })]);
    sim.advanceTo(T0 + 20 * MINUTE);

    expect(sim.sent.map((sent) => [sent.at, sent.notification.reason, sent.notification.payload.status])).toEqual([
      [T0 + 30 * SECOND, 'first notification', 'firing'],
      [T0 + 30 * SECOND + 5 * MINUTE, 'all alerts resolved', 'resolved'],
      [T0 + 30 * SECOND + 10 * MINUTE, 'new alerts added', 'firing'],
    ]);
    expect(sim.sent[2]?.notification.payload.alerts[0]?.startsAt).toBe(new Date(T0 + 7 * MINUTE).toISOString());
  });

  it('reports nothing for a flap inside one interval the receiver never saw resolve', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);
    sim.advanceTo(T0 + 30 * SECOND);

    sim.ingest(T0 + 1 * MINUTE, [resolvedAlert(A, { endsAt: T0 + MINUTE })]);
    sim.ingest(T0 + 2 * MINUTE, [firingAlert(A, { startsAt: T0 + 2 * MINUTE })]);
    sim.advanceTo(T0 + HOUR);

    expect(sim.sent).toHaveLength(1);
    expect(sim.state.alerts[fp(A)]?.startsAt).toBe(new Date(T0 + 2 * MINUTE).toISOString());
  });

  it('restarts an ended group with group_wait, but not sooner than group_interval after its last message', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 30 * SECOND);
    sim.ingest(T0 + MINUTE, [resolvedAlert(A, { endsAt: T0 + MINUTE })]);
    sim.advanceTo(T0 + 30 * SECOND + 5 * MINUTE);

    sim.ingest(T0 + 50 * MINUTE, [firingAlert(B, { startsAt: T0 + 50 * MINUTE })]);
    sim.ingest(T0 + 50 * MINUTE + 5 * SECOND, [firingAlert(C, { startsAt: T0 + 50 * MINUTE })]);
    sim.advanceTo(T0 + HOUR);

    expect(sim.sent.map((sent) => sent.at)).toEqual([
      T0 + 30 * SECOND,
      T0 + 30 * SECOND + 5 * MINUTE,
      T0 + 50 * MINUTE + 30 * SECOND,
    ]);
    expect(fingerprintsIn(sim.sent[2], 'firing')).toEqual([fp(B), fp(C)].sort());
  });
});

describe('flushGroup truncation', () => {
  it('keeps max_alerts alerts, firing before resolved, and counts the rest', () => {
    const sim = new GroupSimulator({ ...BY_ALERTNAME, maxAlerts: 2 });
    sim.ingest(T0, [firingAlert(A), firingAlert(B), firingAlert(C)]);
    sim.advanceTo(T0 + 30 * SECOND);
    sim.ingest(T0 + MINUTE, [resolvedAlert(A, { endsAt: T0 + MINUTE }), firingAlert(D, { startsAt: T0 + MINUTE })]);

    sim.advanceTo(T0 + 6 * MINUTE);

    const first = sim.sent[0]?.notification.payload;
    const second = sim.sent[1]?.notification.payload;
    expect(first?.alerts.map((alert) => alert.labels['pod'])).toEqual(['a', 'b']);
    expect(first?.truncatedAlerts).toBe(1);
    expect(second?.alerts.map((alert) => [alert.labels['pod'], alert.status])).toEqual([
      ['b', 'firing'],
      ['c', 'firing'],
    ]);
    expect(second?.truncatedAlerts).toBe(2);
    expect(second?.status).toBe('firing');
  });

  it('counts nothing as truncated when max_alerts is 0', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, Array.from({ length: 50 }, (_, i) => firingAlert(podAlert(`p-${i}`))));

    sim.advanceTo(T0 + MINUTE);

    expect(sim.sent[0]?.notification.payload.alerts).toHaveLength(50);
    expect(sim.sent[0]?.notification.payload.truncatedAlerts).toBe(0);
  });
});

describe('flushGroup races and retries', () => {
  function dueState(): GroupState {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);
    return sim.state;
  }

  it('gives two workers flushing the same state at the same time the same notification', () => {
    const state = dueState();
    const options = resolveGroupingOptions(BY_ALERTNAME);

    const first = flushGroup(structuredClone(state), options, T0 + 30 * SECOND);
    const second = flushGroup(structuredClone(state), options, T0 + 30 * SECOND);

    expect(first.due && first.notification?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toEqual(first);
  });

  it('gives a retry after a crash between sending and recording the same id', () => {
    const state = dueState();
    const options = resolveGroupingOptions(BY_ALERTNAME);

    const crashed = flushGroup(state, options, T0 + 30 * SECOND);
    const retried = flushGroup(state, options, T0 + 95 * SECOND);

    expect(crashed.due && retried.due).toBe(true);
    if (!crashed.due || !retried.due) return;
    expect(retried.notification?.id).toBe(crashed.notification?.id);
    expect(retried.state.version).toBe(crashed.state.version);
  });

  it('gives different flushes of the group different ids', () => {
    const sim = new GroupSimulator(BY_ALERTNAME);
    sim.ingest(T0, [firingAlert(A)]);

    sim.advanceTo(T0 + 9 * HOUR);

    const ids = sim.sent.map((sent) => sent.notification.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });

  it('bumps the version by one per transition and survives a JSON round trip', () => {
    const state = dueState();
    const options = resolveGroupingOptions(BY_ALERTNAME);

    const stored = JSON.parse(JSON.stringify(state)) as GroupState;
    const fromStored = flushGroup(stored, options, T0 + 30 * SECOND);
    const fromMemory = flushGroup(state, options, T0 + 30 * SECOND);

    expect(fromStored).toEqual(fromMemory);
    expect(fromStored.due && fromStored.state.version).toBe(state.version + 1);
  });
});

describe("flushGroup with group_by '...'", () => {
  it('keeps one group per alert, each with its own timers and message', () => {
    const sim = new GroupSimulator({ groupBy: ['...'] });

    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);
    sim.ingest(T0 + 10 * SECOND, [firingAlert(A)]);
    sim.advanceTo(T0 + MINUTE);

    expect(sim.states.size).toBe(2);
    expect(sim.sent.map((sent) => sent.notification.payload.alerts.length)).toEqual([1, 1]);
    expect(sim.sent.map((sent) => sent.notification.payload.groupLabels).sort((x, y) => (x['pod']! < y['pod']! ? -1 : 1))).toEqual([A, B]);
    expect(new Set(sim.sent.map((sent) => sent.notification.payload.groupKey)).size).toBe(2);
  });
});
