import { describe, expect, it } from 'vitest';
import type { MuteReason } from '../../../lib/silence/muter.js';
import { GroupSimulator, HOUR, MINUTE, SECOND, T0, firingAlert, fingerprintsIn, fp, podAlert, resolvedAlert } from './builders.js';

const A = podAlert('a');
const B = podAlert('b');
const SILENCE: MuteReason = { kind: 'silence', silenceIds: ['s1'] };
const TIMING = { groupBy: ['alertname'], groupWaitMs: 30 * SECOND, groupIntervalMs: 5 * MINUTE, repeatIntervalMs: HOUR };

/** A silence over alert `a` from `from` until `until`, as the flush sees it. */
function silenceOfA(from: number, until = Number.POSITIVE_INFINITY) {
  return (alert: { fingerprint: string }, at: number) => (alert.fingerprint === fp(A) && at >= from && at < until ? SILENCE : undefined);
}

describe('flushGroup with mutes decided at flush time (Alertmanager notify pipeline)', () => {
  it('stops the repeats of a group that was notified before it was silenced', () => {
    const sim = new GroupSimulator(TIMING);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 30 * SECOND);
    expect(sim.sent).toHaveLength(1);

    sim.mutes = silenceOfA(T0 + MINUTE);
    sim.advanceTo(T0 + 5 * HOUR);

    expect(sim.sent).toHaveLength(1);
    // Still ticking at group_interval while muted, so the end of the silence is noticed.
    expect(sim.state.nextFlushAt! - sim.state.lastFlushAt!).toBe(5 * MINUTE);
  });

  it('notifies a still-firing alert at the first flush after its silence expires, without a new post', () => {
    const sim = new GroupSimulator(TIMING);
    sim.mutes = silenceOfA(T0, T0 + 2 * HOUR);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 2 * HOUR - 1);
    expect(sim.sent).toHaveLength(0);

    sim.advanceTo(T0 + 3 * HOUR);

    expect(sim.sent[0]!.notification.reason).toBe('first notification');
    // The first tick at or after the expiry: flushes run every group_interval from the first one.
    expect(sim.sent[0]!.at).toBeGreaterThanOrEqual(T0 + 2 * HOUR);
    expect(sim.sent[0]!.at).toBeLessThanOrEqual(T0 + 2 * HOUR + 5 * MINUTE);
  });

  it('repeats an alert notified before a silence once the silence has ended and repeat_interval has passed', () => {
    const sim = new GroupSimulator(TIMING);
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 30 * SECOND);
    sim.mutes = silenceOfA(T0 + MINUTE, T0 + 3 * HOUR);

    sim.advanceTo(T0 + 3 * HOUR + 5 * MINUTE);

    expect(sim.sent.map((s) => s.notification.reason)).toEqual(['first notification', 'repeat interval elapsed']);
    expect(sim.sent[1]!.at).toBeGreaterThanOrEqual(T0 + 3 * HOUR);
  });

  it('swallows a resolution that arrives while the alert is silenced, as Alertmanager does, and ends the group', () => {
    const sim = new GroupSimulator({ ...TIMING, sendResolved: true });
    sim.ingest(T0, [firingAlert(A)]);
    sim.advanceTo(T0 + 30 * SECOND);
    sim.mutes = silenceOfA(T0 + MINUTE);

    sim.ingest(T0 + 10 * MINUTE, [resolvedAlert(A, { startsAt: T0, endsAt: T0 + 10 * MINUTE })]);
    sim.advanceTo(T0 + HOUR);

    expect(sim.sent).toHaveLength(1);
    expect(sim.state.nextFlushAt).toBeNull();
    // The first flush after the silence began was the resolution's: the trail says the silence held it back.
    expect(sim.muteChanges.map((change) => change.status)).toEqual(['resolved']);
  });

  it('sends the unmuted alerts of a group and leaves the muted ones out of the message and the notification log', () => {
    const sim = new GroupSimulator(TIMING);
    sim.mutes = silenceOfA(T0);
    sim.ingest(T0, [firingAlert(A), firingAlert(B)]);
    sim.advanceTo(T0 + 30 * SECOND);

    expect(fingerprintsIn(sim.sent[0], 'firing')).toEqual([fp(B)]);
    expect(sim.state.nflog!.firing).toEqual([fp(B)]);
  });

  it('reports a mute to the trail when it begins or changes, not at every flush', () => {
    const sim = new GroupSimulator(TIMING);
    const inhibition: MuteReason = { kind: 'inhibition', ruleId: 'node-down', sourceFingerprint: 'f00d' };
    sim.mutes = (alert, at) => (alert.fingerprint !== fp(A) ? undefined : at < T0 + HOUR ? SILENCE : inhibition);
    sim.ingest(T0, [firingAlert(A)]);

    sim.advanceTo(T0 + 2 * HOUR);

    expect(sim.muteChanges.map((change) => change.reason.kind)).toEqual(['silence', 'inhibition']);
  });
});
