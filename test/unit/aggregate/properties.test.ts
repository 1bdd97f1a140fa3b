import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupedAlert, GroupState, GroupingOptions } from '../../../lib/aggregate/index.js';
import {
  alertsAt,
  fingerprints,
  ingestAlerts,
  notificationReason,
  partitionAlerts,
  resolveGroupingOptions,
} from '../../../lib/aggregate/index.js';
import { GroupSimulator, HOUR, MINUTE, SECOND, T0, TARGET, firingAlert, podAlert, resolvedAlert } from './builders.js';

interface Delivery {
  afterSeconds: number;
  pod: number;
  episode: number;
  kind: 'fire' | 'resolve';
  timed: boolean;
  redeliverAfterSeconds: number | null;
}

const delivery: fc.Arbitrary<Delivery> = fc.record({
  afterSeconds: fc.integer({ min: 0, max: 20 * 60 }),
  pod: fc.integer({ min: 0, max: 3 }),
  episode: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom('fire' as const, 'resolve' as const),
  timed: fc.boolean(),
  redeliverAfterSeconds: fc.option(fc.integer({ min: 0, max: 30 * 60 }), { nil: null }),
});

const timing = fc.record({
  groupWaitMs: fc.constantFrom(0, 30 * SECOND),
  groupIntervalMs: fc.constantFrom(MINUTE, 5 * MINUTE),
  repeatIntervalMs: fc.constantFrom(10 * MINUTE, HOUR),
  sendResolved: fc.boolean(),
});

/**
 * The alert a delivery carries, accepted by ingest at `at` (its `updatedAt`; a
 * redelivery is the same message, so it keeps it): episodes start 30 minutes
 * apart, as re-fires do.
 */
function alertOf(d: Delivery, at: number, acceptedAt = at): GroupedAlert {
  const labels = podAlert(`p-${d.pod}`);
  const startsAt = T0 + d.episode * 30 * MINUTE;
  if (d.kind === 'resolve') return resolvedAlert(labels, { startsAt, endsAt: Math.max(at, startsAt), updatedAt: acceptedAt });
  // As senders do (Alertmanager refuses an alert that ends before it starts): valid for 4 minutes from when it is sent.
  return firingAlert(labels, d.timed ? { startsAt, endsAt: Math.max(at, startsAt) + 4 * MINUTE, updatedAt: acceptedAt } : { startsAt, updatedAt: acceptedAt });
}

describe('aggregation properties', () => {
  it('for any interleaving, every firing alert is in the notification, messages are group_interval apart, and the receiver ends up up to date', () => {
    fc.assert(
      fc.property(timing, fc.array(delivery, { maxLength: 25 }), (options, deliveries) => {
        const sim = new GroupSimulator({ groupBy: ['alertname'], ...options });
        sim.onFlush = (before, result, at) => {
          if (!result.notification) return;
          const firingBefore = fingerprints(alertsAt(before, at).firing);
          const reported = result.notification.payload.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint);
          expect(reported.sort()).toEqual(firingBefore);
        };

        const schedule: { at: number; alert: GroupedAlert }[] = [];
        let t = T0;
        for (const d of deliveries) {
          t += d.afterSeconds * SECOND;
          const alert = alertOf(d, t);
          schedule.push({ at: t, alert });
          if (d.redeliverAfterSeconds !== null) schedule.push({ at: t + d.redeliverAfterSeconds * SECOND, alert });
        }
        schedule.sort((a, b) => a.at - b.at);
        for (const { at, alert } of schedule) {
          sim.ingest(at, [alert]);
          for (const state of sim.states.values()) expectTimely(state, sim.options, at);
        }
        const end = (schedule.at(-1)?.at ?? T0) + 3 * HOUR;
        sim.advanceTo(end);

        for (let i = 1; i < sim.sent.length; i += 1) {
          expect(sim.sent[i]!.at - sim.sent[i - 1]!.at).toBeGreaterThanOrEqual(options.groupIntervalMs);
        }
        for (const state of sim.states.values()) {
          const firingNow = fingerprints(alertsAt(state, end).firing);
          expect(state.nflog?.firing ?? []).toEqual(firingNow);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('for any order of one batch, with duplicates, the resulting state is the same', () => {
    const options = resolveGroupingOptions({ groupBy: ['alertname'] });
    const now = T0 + 45 * MINUTE;
    // One queue message: every alert in it was accepted by ingest at the same time.
    const batchOf = (ds: Delivery[]) => ds.map((d, i) => alertOf(d, T0 + i * MINUTE, now));

    fc.assert(
      fc.property(
        fc.array(delivery, { minLength: 1, maxLength: 12 }).chain((ds) =>
          fc.tuple(fc.constant(ds), fc.shuffledSubarray(ds, { minLength: ds.length, maxLength: ds.length })),
        ),
        ([ordered, shuffled]) => {
          const run = (alerts: GroupedAlert[]) => {
            const [batch] = partitionAlerts(alerts, TARGET, options.groupBy);
            return ingestAlerts(undefined, batch!, options, now);
          };
          const a = run(batchOf(ordered));
          const withDuplicates = batchOf(ordered);
          const b = run([...withDuplicates, ...withDuplicates]);

          expect(run(reorder(batchOf(ordered), ordered, shuffled))).toEqual(a);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/**
 * Liveness: a group never waits longer than the rules require. A change worth
 * notifying is flushed once group_interval has passed since the last
 * message; a new group flushes after group_wait (or group_interval after the
 * message that ended its previous life).
 */
function expectTimely(state: GroupState, options: GroupingOptions, now: number): void {
  if (Object.keys(state.alerts).length === 0) {
    expect(state.nextFlushAt).toBeNull();
    return;
  }
  expect(state.nextFlushAt).not.toBeNull();
  const notBefore = state.nflog ? state.nflog.notifiedAt + options.groupIntervalMs : Number.NEGATIVE_INFINITY;
  if (state.lastFlushAt === null) {
    expect(state.nextFlushAt).toBeLessThanOrEqual(Math.max(state.createdAt + options.groupWaitMs, notBefore));
    return;
  }
  const pendingAt = (clock: number) => {
    const { firing, resolved } = alertsAt(state, clock);
    const sets = { firing: fingerprints(firing), resolved: fingerprints(resolved) };
    return notificationReason(state.nflog, sets, options, now, { ignoreRepeat: true }) !== null;
  };
  // A change that came with an ingest is due at once; an alert timing out (endsAt passing)
  // is noticed by the next flush, which comes at most group_interval after the last one.
  if (pendingAt(state.lastFlushAt)) expect(state.nextFlushAt).toBeLessThanOrEqual(Math.max(notBefore, now));
  else if (pendingAt(now)) {
    expect(state.nextFlushAt).toBeLessThanOrEqual(Math.max(notBefore, now, state.lastFlushAt + options.groupIntervalMs));
  }
}

/** The alerts of `ordered` rearranged the way `shuffled` rearranged the deliveries. */
function reorder<T>(alerts: T[], ordered: readonly Delivery[], shuffled: readonly Delivery[]): T[] {
  const used = new Set<number>();
  return shuffled.map((d) => {
    const index = ordered.findIndex((candidate, i) => candidate === d && !used.has(i));
    used.add(index);
    return alerts[index] as T;
  });
}
