import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GROUPING_OPTIONS,
  GroupingOptionsError,
  resolveGroupingOptions,
} from '../../../lib/aggregate/index.js';

describe('resolveGroupingOptions', () => {
  it("falls back to Alertmanager's defaults when nothing is configured", () => {
    const options = resolveGroupingOptions();

    expect(options).toEqual({
      groupBy: [],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      sendResolved: true,
      maxAlerts: 0,
      externalURL: '',
    });
  });

  it('merges receiver options over account defaults field by field', () => {
    const account = { groupBy: ['alertname'], groupWaitMs: 10_000, sendResolved: false, externalURL: 'https://tidings.example' };
    const receiver = { groupWaitMs: 5_000, maxAlerts: 20 };

    const options = resolveGroupingOptions(receiver, account);

    expect(options).toMatchObject({
      groupBy: ['alertname'],
      groupWaitMs: 5_000,
      groupIntervalMs: DEFAULT_GROUPING_OPTIONS.groupIntervalMs,
      sendResolved: false,
      maxAlerts: 20,
      externalURL: 'https://tidings.example',
    });
  });

  it('lets a receiver switch send_resolved off or group_wait to zero explicitly', () => {
    const options = resolveGroupingOptions({ sendResolved: false, groupWaitMs: 0 }, { sendResolved: true, groupWaitMs: 9 });

    expect(options.sendResolved).toBe(false);
    expect(options.groupWaitMs).toBe(0);
  });

  it.each([
    [{ groupIntervalMs: 0 }, 'groupIntervalMs'],
    [{ repeatIntervalMs: -1 }, 'repeatIntervalMs'],
    [{ groupWaitMs: 1.5 }, 'groupWaitMs'],
    [{ groupWaitMs: Number.NaN }, 'groupWaitMs'],
    [{ maxAlerts: -3 }, 'maxAlerts'],
    [{ groupBy: ['...', 'alertname'] }, 'groupBy'],
    [{ groupBy: ['alertname', 'alertname'] }, 'groupBy'],
    [{ groupBy: [''] }, 'groupBy'],
  ] as const)('rejects %j with a GroupingOptionsError naming %s', (input, field) => {
    const act = () => resolveGroupingOptions(input as never);

    expect(act).toThrow(GroupingOptionsError);
    try {
      act();
    } catch (error) {
      expect((error as GroupingOptionsError).field).toBe(field);
      expect((error as GroupingOptionsError).name).toBe('GroupingOptionsError');
    }
  });

  it('rejects an invalid account default even when the receiver does not override it', () => {
    expect(() => resolveGroupingOptions({}, { repeatIntervalMs: 0 })).toThrow(/repeatIntervalMs/);
  });
});
