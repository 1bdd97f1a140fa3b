import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sameGroupedAlert } from '../../../lib/aggregate/group-state.js';
import { GroupSimulator, MINUTE, SECOND, T0, firingAlert, podAlert, resolvedAlert } from './builders.js';

const A = podAlert('a');
const TIMING = { groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: MINUTE, repeatIntervalMs: 60 * MINUTE, sendResolved: true };

describe('merging updates of one alert (Alertmanager semantics)', () => {
  it('resolves an alert with a resolution whose startsAt is earlier than the stored one (a sender that restarted)', () => {
    const sim = new GroupSimulator(TIMING);
    sim.ingest(T0, [firingAlert(A, { startsAt: T0, updatedAt: T0 })]);
    // The sender restarted and reported the alert again with a new start.
    sim.ingest(T0 + 2 * MINUTE, [firingAlert(A, { startsAt: T0 + 2 * MINUTE, updatedAt: T0 + 2 * MINUTE })]);

    sim.ingest(T0 + 5 * MINUTE, [resolvedAlert(A, { startsAt: T0, endsAt: T0 + 5 * MINUTE, updatedAt: T0 + 5 * MINUTE })]);
    sim.advanceTo(T0 + 10 * MINUTE);

    expect(sim.sent.map((sent) => sent.notification.reason)).toEqual(['first notification', 'all alerts resolved']);
    // The earliest start of the episode is kept.
    expect(sim.sent[1]!.notification.payload.alerts[0]!.startsAt).toBe(new Date(T0).toISOString());
  });

  it('keeps the later update when a late copy of an earlier one arrives', () => {
    const sim = new GroupSimulator(TIMING);
    const firing = firingAlert(A, { startsAt: T0, updatedAt: T0 });
    sim.ingest(T0, [firing]);
    sim.ingest(T0 + MINUTE, [resolvedAlert(A, { startsAt: T0, endsAt: T0 + MINUTE, updatedAt: T0 + MINUTE })]);

    sim.ingest(T0 + 90 * SECOND, [firing]);
    sim.advanceTo(T0 + 10 * MINUTE);

    expect(sim.sent.map((sent) => sent.notification.reason)).toEqual(['first notification', 'all alerts resolved']);
  });

  it('does not flap an alert its sender keeps refreshing when the refreshes reach the group late', () => {
    const sim = new GroupSimulator(TIMING);
    // Prometheus with resend_delay 2s: each update is valid for 8 s; every one spends 30 s in the queues.
    for (let sent = T0; sent <= T0 + 10 * MINUTE; sent += 2 * SECOND) {
      sim.ingest(sent + 30 * SECOND, [firingAlert(A, { startsAt: T0, endsAt: sent + 8 * SECOND, updatedAt: sent })]);
    }
    sim.advanceTo(T0 + 10 * MINUTE + 30 * SECOND);

    expect(sim.sent.map((sent) => sent.notification.reason)).toEqual(['first notification']);
  });

  it('still times out an alert whose sender went quiet, within a minute of its endsAt', () => {
    const sim = new GroupSimulator(TIMING);
    sim.ingest(T0, [firingAlert(A, { startsAt: T0, endsAt: T0 + 8 * SECOND, updatedAt: T0 })]);

    sim.advanceTo(T0 + 5 * MINUTE);

    expect(sim.sent.map((sent) => sent.notification.reason)).toEqual(['first notification', 'all alerts resolved']);
    expect(sim.sent[1]!.at - (T0 + 8 * SECOND)).toBeLessThanOrEqual(MINUTE + 1 * SECOND);
  });
});

describe('sameGroupedAlert', () => {
  // Small alphabets so that equal pairs come up often.
  const labelSet = fc.dictionary(fc.constantFrom('alertname', 'pod', 'severity'), fc.constantFrom('a', 'b', ''), { maxKeys: 3 });
  const groupedAlert = fc.record(
    {
      fingerprint: fc.constantFrom('0000000000000001', '0000000000000002'),
      status: fc.constantFrom('firing' as const, 'resolved' as const),
      labels: labelSet,
      annotations: labelSet,
      startsAt: fc.constantFrom('2026-11-25T10:00:00Z', '2026-11-25T10:01:00Z'),
      endsAt: fc.constantFrom('0001-01-01T00:00:00Z', '2026-11-25T10:05:00Z'),
      generatorURL: fc.constantFrom('', 'http://prometheus/graph'),
      updatedAt: fc.constantFrom('2026-11-25T10:00:00Z', '2026-11-25T10:02:00Z'),
    },
    { requiredKeys: ['fingerprint', 'status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL'] },
  );

  it('tells what comparing canonical JSON tells, whatever the key order', () => {
    fc.assert(
      fc.property(groupedAlert, groupedAlert, fc.boolean(), (a, b, copy) => {
        // Half the time b is a with its labels' keys in reverse order: equal, differently printed.
        const other = copy ? { ...a, labels: Object.fromEntries(Object.entries(a.labels).reverse()) } : b;
        expect(sameGroupedAlert(a, other)).toBe(canonicalJson(a) === canonicalJson(other));
      }),
      { numRuns: 500 },
    );
  });
});
