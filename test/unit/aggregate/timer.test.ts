import { describe, expect, it } from 'vitest';
import type { GroupState } from '../../../lib/aggregate/index.js';
import { SQS_MAX_DELAY_SECONDS, ingestAlerts, partitionAlerts, resolveGroupingOptions, sqsDelay, timerAction } from '../../../lib/aggregate/index.js';
import { HOUR, MINUTE, SECOND, T0, TARGET, firingAlert, podAlert } from './builders.js';

describe('sqsDelay', () => {
  it('uses the remaining time when it fits in one SQS delay', () => {
    expect(sqsDelay(T0, T0 + 30 * SECOND)).toEqual({ delaySeconds: 30, intermediate: false });
  });

  it('caps a longer wait at 900 s and marks the message as an intermediate hop', () => {
    expect(sqsDelay(T0, T0 + 4 * HOUR)).toEqual({ delaySeconds: SQS_MAX_DELAY_SECONDS, intermediate: true });
  });

  it('is not a hop at exactly 15 minutes', () => {
    expect(sqsDelay(T0, T0 + 15 * MINUTE)).toEqual({ delaySeconds: 900, intermediate: false });
  });

  it('rounds up so the message never arrives early, and is zero when already due', () => {
    expect(sqsDelay(T0, T0 + 1_001)).toEqual({ delaySeconds: 2, intermediate: false });
    expect(sqsDelay(T0, T0 - 5 * SECOND)).toEqual({ delaySeconds: 0, intermediate: false });
  });

  it('reaches a 4-hour repeat in 16 hops', () => {
    let now = T0;
    let hops = 0;
    const wakeAt = T0 + 4 * HOUR;
    for (;;) {
      const delay = sqsDelay(now, wakeAt);
      now += delay.delaySeconds * SECOND;
      hops += 1;
      if (!delay.intermediate) break;
    }
    expect(now).toBe(wakeAt);
    expect(hops).toBe(16);
  });
});

describe('timerAction', () => {
  const options = resolveGroupingOptions({ groupBy: ['alertname'] });
  const [batch] = partitionAlerts([firingAlert(podAlert('a'))], TARGET, options.groupBy);
  const state = ingestAlerts(undefined, batch!, options, T0).state as GroupState;

  it('flushes when the timer is the current one and due', () => {
    expect(timerAction(state, T0 + 30 * SECOND, T0 + 30 * SECOND)).toEqual({ action: 'flush' });
  });

  it('re-sends a hop that arrives before its time', () => {
    expect(timerAction(state, T0 + 30 * SECOND, T0 + 10 * SECOND)).toEqual({
      action: 'wait',
      delay: { delaySeconds: 20, intermediate: false },
    });
  });

  it('drops a timer that is no longer the scheduled one, so timer chains never multiply', () => {
    expect(timerAction(state, T0 + 5 * MINUTE, T0 + 5 * MINUTE)).toEqual({ action: 'drop', why: 'superseded' });
  });

  it('drops a timer for a group that has ended or is gone', () => {
    expect(timerAction(undefined, T0, T0)).toEqual({ action: 'drop', why: 'group-gone' });
    expect(timerAction({ ...state, nextFlushAt: null }, T0, T0)).toEqual({ action: 'drop', why: 'group-gone' });
  });
});
