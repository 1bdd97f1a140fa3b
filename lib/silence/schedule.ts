import type { Cron } from 'croner';
import { LazyModule } from '../pipeline/lazy-module.js';

/**
 * A recurring mute window: it opens at each time the cron expression fires
 * in `timeZone` and stays open for `durationSeconds`.
 */
export interface SilenceSchedule {
  /** Standard 5-field cron (minute hour day-of-month month day-of-week) or a nickname such as `@daily`. */
  cron: string;
  durationSeconds: number;
  /** IANA time zone name, e.g. `Europe/Berlin`; the cron fields are read as wall-clock time there. */
  timeZone: string;
}

/** A schedule that cannot be used: bad cron, duration or time zone. */
export class ScheduleError extends Error {
  readonly field: keyof SilenceSchedule;

  constructor(field: keyof SilenceSchedule, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScheduleError';
    this.field = field;
  }
}

/** A window of time, epoch milliseconds, `end` exclusive. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** croner (about 33 KB minified): only silences with a schedule need it. */
export const croner = new LazyModule('croner', () => import('croner'));

/** Bounds the merge of overlapping windows so a minutely cron with a long duration cannot loop for long. */
const MAX_MERGED_WINDOWS = 1_000;

/** Whether the runtime knows the zone by its IANA name; offsets such as `+01:00` are refused. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || /^[+-]/.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A schedule compiled once. Wall-clock times a DST change skips fire at the
 * change (02:30 on the spring-forward day in Berlin fires at 03:00 CEST), and
 * wall-clock times it repeats fire once, at their first occurrence.
 */
export class CompiledSchedule {
  readonly schedule: SilenceSchedule;
  readonly durationMs: number;
  readonly #cron: Cron;
  #lastCheck: { at: number; open: boolean } | undefined;

  constructor(schedule: SilenceSchedule) {
    const { cron, durationSeconds, timeZone } = schedule;
    if (!Number.isInteger(durationSeconds) || durationSeconds <= 0) {
      throw new ScheduleError('durationSeconds', 'must be a positive whole number of seconds');
    }
    if (!isValidTimeZone(timeZone)) {
      throw new ScheduleError('timeZone', `unknown IANA time zone ${JSON.stringify(timeZone)}`);
    }
    if (typeof cron !== 'string' || cron.trim().length === 0) {
      throw new ScheduleError('cron', 'must be a cron expression');
    }
    const { Cron } = croner.get();
    try {
      this.#cron = new Cron(cron.trim(), { timezone: timeZone, mode: '5-part', paused: true });
    } catch (error) {
      throw new ScheduleError('cron', `invalid cron expression ${JSON.stringify(cron)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.schedule = schedule;
    this.durationMs = durationSeconds * 1000;
  }

  /** The first time the cron fires strictly after `after` (epoch ms), or undefined if it never does again. */
  nextOccurrence(after: number): number | undefined {
    return this.#cron.nextRun(new Date(after))?.getTime();
  }

  /**
   * Whether `at` falls inside some window. Searching forward from
   * `at - duration` finds the earliest window that has not closed yet, which
   * avoids a backward cron search across DST changes.
   */
  isOpenAt(at: number): boolean {
    // A batch of alerts is decided at one `now`: remember the last answer.
    if (this.#lastCheck?.at === at) return this.#lastCheck.open;
    const occurrence = this.nextOccurrence(at - this.durationMs);
    const open = occurrence !== undefined && occurrence <= at;
    this.#lastCheck = { at, open };
    return open;
  }

  /** The window containing `at`, overlapping windows merged; undefined when closed. */
  windowAt(at: number): TimeWindow | undefined {
    const start = this.nextOccurrence(at - this.durationMs);
    if (start === undefined || start > at) return undefined;
    let last = start;
    let end = start + this.durationMs;
    for (let i = 0; i < MAX_MERGED_WINDOWS; i++) {
      const next = this.nextOccurrence(last);
      if (next === undefined || next > end) break;
      last = next;
      end = next + this.durationMs;
    }
    return { start, end };
  }
}
