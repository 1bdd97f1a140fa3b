import { describe, expect, it } from 'vitest';
import type { GroupedAlert, GroupState } from '../../../lib/aggregate/index.js';
import {
  GroupMismatchError,
  InvalidAlertError,
  flushGroup,
  ingestAlerts,
  partitionAlerts,
  resolveGroupingOptions,
} from '../../../lib/aggregate/index.js';
import { GroupSimulator, MINUTE, SECOND, T0, TARGET, firingAlert, fp, podAlert, resolvedAlert } from './builders.js';

const options = resolveGroupingOptions({ groupBy: ['alertname'] });
const A = podAlert('a');
const B = podAlert('b');

function ingest(state: GroupState | undefined, alerts: GroupedAlert[], now: number) {
  const [batch, ...others] = partitionAlerts(alerts, TARGET, options.groupBy);
  if (!batch || others.length > 0) throw new Error('test alerts must form one group');
  return ingestAlerts(state, batch, options, now);
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('ingestAlerts', () => {
  it('starts a new group that flushes after group_wait', () => {
    const result = ingest(undefined, [firingAlert(A)], T0);

    expect(result.changed).toBe(true);
    expect(result.flushAt).toBe(T0 + 30 * SECOND);
    expect(result.state).toMatchObject({
      version: 1,
      createdAt: T0,
      nextFlushAt: T0 + 30 * SECOND,
      lastFlushAt: null,
      nflog: null,
      group: { key: '{}:{alertname="PodCrashLooping"}', receiver: TARGET.receiver },
    });
    expect(Object.keys(result.state?.alerts ?? {})).toEqual([fp(A)]);
  });

  it('keeps the timer of a group still in group_wait', () => {
    const first = ingest(undefined, [firingAlert(A)], T0);

    const second = ingest(first.state, [firingAlert(B)], T0 + 10 * SECOND);

    expect(second.changed).toBe(true);
    expect(second.flushAt).toBeNull();
    expect(second.state?.nextFlushAt).toBe(T0 + 30 * SECOND);
    expect(second.state?.version).toBe(2);
  });

  it('is idempotent: the same alerts again change nothing and ask for no timer', () => {
    const alerts = [firingAlert(A), resolvedAlert(B, { endsAt: T0 - MINUTE })];
    const first = ingest(undefined, alerts, T0);

    const again = ingest(first.state, alerts, T0 + 5 * SECOND);

    expect(again).toEqual({ state: first.state, changed: false, flushAt: null });
    expect(again.state).toBe(first.state);
  });

  it('replaces an alert with a newer update and ignores an older one', () => {
    const v1 = firingAlert(A, { endsAt: T0 + 4 * MINUTE });
    const v2 = firingAlert(A, { endsAt: T0 + 5 * MINUTE, annotations: { summary: 'worse' } });
    const first = ingest(undefined, [v2], T0);

    const late = ingest(first.state, [v1], T0 + SECOND);

    expect(late.changed).toBe(false);
    expect(first.state?.alerts[fp(A)]?.annotations).toEqual({ summary: 'worse' });
  });

  it('lets a resolution win over firing updates of the same episode whatever their endsAt', () => {
    const firing = firingAlert(A, { endsAt: T0 + 4 * MINUTE });
    const resolved = resolvedAlert(A, { endsAt: T0 + 2 * MINUTE });
    const first = ingest(undefined, [firing, firingAlert(B)], T0);
    const withResolution = ingest(first.state, [resolved], T0 + 2 * MINUTE);

    const lateFiring = ingest(withResolution.state, [firing], T0 + 3 * MINUTE);

    expect(lateFiring.changed).toBe(false);
    expect(withResolution.state?.alerts[fp(A)]?.status).toBe('resolved');
  });

  it('keeps an alert firing when an open-ended update follows a timed one (no known end is the latest)', () => {
    const timed = firingAlert(A, { endsAt: T0 + 4 * MINUTE });
    const openEnded = firingAlert(A);
    const first = ingest(undefined, [timed], T0);

    const second = ingest(first.state, [openEnded], T0 + MINUTE);
    const replayed = ingest(second.state, [timed], T0 + 2 * MINUTE);

    expect(second.state?.alerts[fp(A)]?.endsAt).toBe(openEnded.endsAt);
    expect(replayed.changed).toBe(false);
  });

  it('orders otherwise equal updates by updatedAt, whichever arrives first', () => {
    const older = firingAlert(A, { updatedAt: T0, annotations: { summary: 'old' } });
    const newer = firingAlert(A, { updatedAt: T0 + SECOND, annotations: { summary: 'new' } });

    const inOrder = ingest(ingest(undefined, [older], T0).state, [newer], T0 + SECOND).state;
    const reversed = ingest(ingest(undefined, [newer], T0).state, [older], T0 + SECOND).state;

    expect(inOrder?.alerts[fp(A)]?.annotations).toEqual({ summary: 'new' });
    expect(reversed?.alerts).toEqual(inOrder?.alerts);
  });

  it('yields the same state for every order of one batch, duplicates included', () => {
    const batch = [
      firingAlert(A, { endsAt: T0 + 4 * MINUTE }),
      firingAlert(A, { endsAt: T0 + 5 * MINUTE }),
      resolvedAlert(A, { endsAt: T0 + 2 * MINUTE }),
      firingAlert(B),
      firingAlert(B),
    ];

    const states = permutations(batch).map((order) => ingest(undefined, order, T0 + 3 * MINUTE).state);

    for (const state of states) expect(state).toEqual(states[0]);
    expect(states[0]?.alerts[fp(A)]?.status).toBe('resolved');
  });

  it('ends with the same alerts and timer for every order of separate deliveries', () => {
    const base = ingest(undefined, [firingAlert(B)], T0).state;
    const deliveries = [
      [firingAlert(A, { endsAt: T0 + 4 * MINUTE })],
      [firingAlert(A, { endsAt: T0 + 5 * MINUTE })],
      [resolvedAlert(A, { endsAt: T0 + 2 * MINUTE })],
      [firingAlert(A, { endsAt: T0 + 5 * MINUTE })],
    ];

    const outcomes = permutations(deliveries).map((order) => {
      let state = base;
      for (const alerts of order) state = ingest(state, alerts, T0 + 10 * SECOND).state;
      return { alerts: state?.alerts, nextFlushAt: state?.nextFlushAt };
    });

    for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
  });

  it('does not start a group for a resolved alert alone, but remembers it against late firing copies', () => {
    const resolved = ingest(undefined, [resolvedAlert(A, { endsAt: T0 + 2 * MINUTE })], T0 + 2 * MINUTE);
    const lateFiring = ingest(resolved.state, [firingAlert(A, { endsAt: T0 + 4 * MINUTE })], T0 + 3 * MINUTE);

    expect(resolved.flushAt).toBeNull();
    expect(resolved.state?.alerts).toEqual({});
    expect(resolved.state?.nextFlushAt).toBeNull();
    expect(resolved.state?.expiresAt).toBeGreaterThan(T0 + 2 * MINUTE);
    expect(lateFiring).toMatchObject({ changed: false, flushAt: null });
  });

  it('does not revive an ended group with a late copy or a resend of its resolution', () => {
    const sim = new GroupSimulator({ groupBy: ['alertname'] });
    sim.ingest(T0, [firingAlert(A, { endsAt: T0 + 4 * MINUTE, updatedAt: T0 })]);
    sim.ingest(T0 + MINUTE, [resolvedAlert(A, { endsAt: T0 + MINUTE, updatedAt: T0 + MINUTE })]);
    sim.advanceTo(T0 + 10 * MINUTE);
    const ended = sim.state;

    const lateFiring = ingest(ended, [firingAlert(A, { endsAt: T0 + 4 * MINUTE, updatedAt: T0 })], T0 + 11 * MINUTE);
    const resent = ingest(ended, [resolvedAlert(A, { endsAt: T0 + MINUTE, updatedAt: T0 + 11 * MINUTE })], T0 + 11 * MINUTE);

    expect(ended.nextFlushAt).toBeNull();
    expect(lateFiring.changed).toBe(false);
    expect(resent.changed).toBe(false);
  });

  it('computes a missing fingerprint from the labels', () => {
    const result = ingest(undefined, [{ ...firingAlert(A), fingerprint: '' }], T0);

    expect(Object.keys(result.state?.alerts ?? {})).toEqual([fp(A)]);
  });

  it('rejects an alert of another group and a state of another group', () => {
    const [batch] = partitionAlerts([firingAlert(A)], TARGET, options.groupBy);
    const stranger = firingAlert({ alertname: 'Other' });
    const otherState = ingest(undefined, [firingAlert({ alertname: 'Other' })], T0).state;

    expect(() => ingestAlerts(undefined, { group: batch!.group, alerts: [stranger] }, options, T0)).toThrow(GroupMismatchError);
    expect(() => ingestAlerts(otherState, batch!, options, T0)).toThrow(GroupMismatchError);
  });

  it('rejects an unreadable timestamp with an InvalidAlertError', () => {
    expect(() => ingest(undefined, [{ ...firingAlert(A), startsAt: 'yesterday' }], T0)).toThrow(InvalidAlertError);
  });

  it('asks for a timer again when a change finds the scheduled flush overdue (a lost timer)', () => {
    const first = ingest(undefined, [firingAlert(A)], T0);
    const flushed = flushGroup(first.state!, options, T0 + 30 * SECOND);
    if (!flushed.due) throw new Error('expected a flush');
    const stuck: GroupState = { ...flushed.state, nextFlushAt: T0 + MINUTE };

    const result = ingest(stuck, [firingAlert(A, { annotations: { summary: 'changed' } , updatedAt: T0 + 2 * MINUTE })], T0 + 2 * MINUTE);

    expect(result.flushAt).toBe(T0 + MINUTE);
  });
});
