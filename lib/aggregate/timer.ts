/**
 * Timers as delayed SQS messages. SQS delays at most 15 minutes, so longer
 * waits (repeat_interval is hours) hop through intermediate messages; every
 * timer message carries the `nextFlushAt` it was sent for, which lets a worker
 * tell the current timer from superseded and duplicate ones.
 */
import type { GroupState } from './group-state.js';

/** SQS's largest `DelaySeconds`. */
export const SQS_MAX_DELAY_SECONDS = 900;

/** The delay for the next timer message. */
export interface SqsDelay {
  delaySeconds: number;
  /** True when the wait is longer than SQS allows: the message is a hop, to be re-sent on arrival. */
  intermediate: boolean;
}

/**
 * The `DelaySeconds` for a message that should arrive at `wakeAt`: the time
 * left, rounded up so the message never arrives early, capped at 900 s.
 */
export function sqsDelay(now: number, wakeAt: number): SqsDelay {
  const seconds = Math.max(0, Math.ceil((wakeAt - now) / 1000));
  return seconds > SQS_MAX_DELAY_SECONDS
    ? { delaySeconds: SQS_MAX_DELAY_SECONDS, intermediate: true }
    : { delaySeconds: seconds, intermediate: false };
}

/** What to do with a timer message that arrived. */
export type TimerAction =
  | { action: 'flush' }
  | { action: 'wait'; delay: SqsDelay }
  | { action: 'drop'; why: 'group-gone' | 'superseded' };

/**
 * Decides what an arriving timer message means. A timer whose `scheduledFor`
 * is no longer the state's `nextFlushAt` was superseded (an earlier flush, a
 * race, a redelivery): another timer covers the current time, so it is
 * dropped rather than re-sent, which keeps timer chains from multiplying.
 */
export function timerAction(state: GroupState | undefined, scheduledFor: number, now: number): TimerAction {
  if (!state || state.nextFlushAt === null) return { action: 'drop', why: 'group-gone' };
  if (state.nextFlushAt !== scheduledFor) return { action: 'drop', why: 'superseded' };
  if (now < scheduledFor) return { action: 'wait', delay: sqsDelay(now, scheduledFor) };
  return { action: 'flush' };
}
