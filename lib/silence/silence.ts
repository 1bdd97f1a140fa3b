import type { LabelSet } from '../alert/alert.js';
import { fromApiMatcher } from '../matchers/api-matcher.js';
import type { ApiMatcher } from '../matchers/api-matcher.js';
import { formatMatcher } from '../matchers/format.js';
import { InvalidMatcherError, matchesAll, matchesEmptyLabelSet } from '../matchers/matcher.js';
import type { Matcher } from '../matchers/matcher.js';
import type { MuteScope } from './muter.js';
import { CompiledSchedule, ScheduleError } from './schedule.js';
import type { SilenceSchedule } from './schedule.js';
import { parseTimestamp } from './timestamp.js';

/**
 * A silence as stored and exchanged: plain JSON. It mutes matching alerts
 * from `startsAt` until `endsAt` (inclusive, as Alertmanager), or for good
 * when `permanent`; with a `schedule` only inside the schedule's windows,
 * which recur until `endsAt` or, without one, until the silence is expired.
 */
export interface Silence {
  id: string;
  /** ANDed; API v2 form so amtool's payloads are stored as sent. */
  matchers: ApiMatcher[];
  /** RFC 3339. */
  startsAt: string;
  /** RFC 3339; required unless `permanent` or scheduled. */
  endsAt?: string;
  permanent?: boolean;
  schedule?: SilenceSchedule;
  createdBy: string;
  comment: string;
  scope: MuteScope;
}

/** Alertmanager's silence states; only an `active` silence mutes. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A state with the times a client or the explain endpoint wants to show. */
export interface SilenceStatus {
  state: SilenceState;
  /** While active: when muting stops (the window's end or `endsAt`); undefined if never. */
  activeUntil?: Date;
  /** While pending: when muting starts next. */
  nextActiveAt?: Date;
}

/** One problem with a silence, `path` naming the field (e.g. `matchers[1].value`). */
export interface SilenceIssue {
  path: string;
  message: string;
}

/** A silence that must not be stored; lists every problem found. */
export class SilenceValidationError extends Error {
  readonly issues: SilenceIssue[];

  constructor(issues: SilenceIssue[]) {
    super(`invalid silence: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    this.name = 'SilenceValidationError';
    this.issues = issues;
  }
}

/**
 * A validated silence with its matchers and schedule compiled, so checking
 * an alert costs no parsing.
 */
export class CompiledSilence {
  readonly silence: Silence;
  readonly matchers: readonly Matcher[];
  readonly schedule: CompiledSchedule | undefined;
  readonly startsAtMs: number;
  /** Infinity for permanent silences. */
  readonly endsAtMs: number;

  constructor(silence: Silence) {
    const compiled = compileParts(silence);
    if (compiled.issues.length > 0) throw new SilenceValidationError(compiled.issues);
    this.silence = silence;
    this.matchers = compiled.matchers;
    this.schedule = compiled.schedule;
    this.startsAtMs = compiled.startsAtMs;
    this.endsAtMs = compiled.endsAtMs;
  }

  get id(): string {
    return this.silence.id;
  }

  /** Whether the silence mutes at `now`: between start and end, and inside a schedule window if it has one. */
  isActive(now: Date): boolean {
    const at = now.getTime();
    if (at < this.startsAtMs || at > this.endsAtMs) return false;
    return this.schedule === undefined || this.schedule.isOpenAt(at);
  }

  /** Whether the silence mutes these labels at `now`. */
  mutes(labels: LabelSet, now: Date): boolean {
    const at = now.getTime();
    // Cheapest test first: the bounds, then the matchers, then the cron search.
    if (at < this.startsAtMs || at > this.endsAtMs) return false;
    if (!matchesAll(this.matchers, labels)) return false;
    return this.schedule === undefined || this.schedule.isOpenAt(at);
  }

  /**
   * The state Alertmanager would report. A scheduled silence between two
   * windows is `pending` (it will mute, but does not now), and `expired` once
   * no window opens before its end.
   */
  status(now: Date): SilenceStatus {
    const at = now.getTime();
    if (at > this.endsAtMs) return { state: 'expired' };
    const active = (end: number): SilenceStatus =>
      Number.isFinite(end) ? { state: 'active', activeUntil: new Date(end) } : { state: 'active' };
    if (this.schedule === undefined) {
      if (at < this.startsAtMs) return { state: 'pending', nextActiveAt: new Date(this.startsAtMs) };
      return active(this.endsAtMs);
    }
    const from = Math.max(at, this.startsAtMs);
    const window = this.schedule.windowAt(from);
    if (window !== undefined) {
      if (at < this.startsAtMs) return { state: 'pending', nextActiveAt: new Date(this.startsAtMs) };
      return active(Math.min(window.end, this.endsAtMs));
    }
    const next = this.schedule.nextOccurrence(from);
    if (next === undefined || next > this.endsAtMs) return { state: 'expired' };
    return { state: 'pending', nextActiveAt: new Date(next) };
  }
}

interface CompiledParts {
  issues: SilenceIssue[];
  matchers: Matcher[];
  schedule: CompiledSchedule | undefined;
  startsAtMs: number;
  endsAtMs: number;
}

/**
 * `forWrite` adds the checks that only make sense for a silence being written:
 * a schedule that never opens in the silence's lifetime is a mistake then, but
 * an expired recurring silence (its end moved to now) is exactly that, and must
 * still compile.
 */
function compileParts(silence: Silence, forWrite = false): CompiledParts {
  const issues: SilenceIssue[] = [];
  const problem = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  if (typeof silence.id !== 'string' || silence.id.length === 0) problem('id', 'must not be empty');
  if (typeof silence.createdBy !== 'string' || silence.createdBy.trim().length === 0) {
    problem('createdBy', 'must not be empty');
  }
  if (typeof silence.comment !== 'string') problem('comment', 'must be a string');

  const scope = silence.scope as MuteScope | undefined;
  if (scope?.kind === 'tenant') {
    if (typeof scope.tenantId !== 'string' || scope.tenantId.length === 0) {
      problem('scope.tenantId', 'must not be empty');
    }
  } else if (scope?.kind !== 'global') {
    problem('scope', "must be {kind: 'global'} or {kind: 'tenant', tenantId}");
  }

  const matchers: Matcher[] = [];
  if (!Array.isArray(silence.matchers) || silence.matchers.length === 0) {
    problem('matchers', 'at least one matcher is required');
  } else {
    silence.matchers.forEach((apiMatcher, index) => {
      try {
        matchers.push(fromApiMatcher(apiMatcher));
      } catch (error) {
        if (!(error instanceof InvalidMatcherError)) throw error;
        problem(`matchers[${index}]`, error.message);
      }
    });
    if (matchers.length === silence.matchers.length && matchesEmptyLabelSet(matchers)) {
      problem(
        'matchers',
        `${matchers.map(formatMatcher).join(', ')} would match every alert: ` +
          'at least one matcher must not match the empty string',
      );
    }
  }

  const startsAtMs = parseTimestamp(silence.startsAt);
  if (startsAtMs === undefined) problem('startsAt', 'must be an RFC 3339 timestamp');
  let endsAtMs = Number.POSITIVE_INFINITY;
  if (silence.permanent === true) {
    if (silence.endsAt !== undefined) problem('endsAt', 'must be absent for a permanent silence');
  } else if (silence.permanent !== undefined && silence.permanent !== false) {
    problem('permanent', 'must be a boolean');
  } else if (silence.endsAt === undefined) {
    // A schedule alone bounds when the silence mutes; it recurs until expired.
    if (silence.schedule === undefined) problem('endsAt', 'is required unless the silence is permanent or has a schedule');
  } else {
    const parsed = parseTimestamp(silence.endsAt);
    if (parsed === undefined) {
      problem('endsAt', 'must be an RFC 3339 timestamp');
    } else {
      endsAtMs = parsed;
      // Equal times are allowed: that is how Alertmanager expires a pending silence.
      if (startsAtMs !== undefined && parsed < startsAtMs) problem('endsAt', 'must not be before startsAt');
    }
  }

  let schedule: CompiledSchedule | undefined;
  if (silence.schedule !== undefined) {
    try {
      schedule = new CompiledSchedule(silence.schedule);
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problem(`schedule.${error.field}`, error.message);
    }
    if (!forWrite) {
      // Stored silences are not judged by whether they will still fire.
    } else if (schedule !== undefined && startsAtMs !== undefined && Number.isFinite(endsAtMs)) {
      const first = schedule.windowAt(startsAtMs) ? startsAtMs : schedule.nextOccurrence(startsAtMs);
      if (first === undefined || first > endsAtMs) {
        problem('schedule.cron', 'never fires between startsAt and endsAt');
      }
    } else if (schedule !== undefined && startsAtMs !== undefined) {
      if (!schedule.isOpenAt(startsAtMs) && schedule.nextOccurrence(startsAtMs) === undefined) {
        problem('schedule.cron', 'never fires after startsAt');
      }
    }
  }

  return { issues, matchers, schedule, startsAtMs: startsAtMs ?? 0, endsAtMs };
}

/** Checks a silence before it is stored; throws SilenceValidationError listing every problem. */
export function validateSilence(silence: Silence): void {
  const { issues } = compileParts(silence, true);
  if (issues.length > 0) throw new SilenceValidationError(issues);
}

const compiledCache = new WeakMap<Silence, CompiledSilence>();

/**
 * Compiles a silence, once per object: callers that keep silences in memory
 * between alerts pay for regexes and cron only the first time. Silences are
 * treated as immutable; store a new object rather than editing one in place.
 * Throws SilenceValidationError.
 */
export function compileSilence(silence: Silence): CompiledSilence {
  let compiled = compiledCache.get(silence);
  if (compiled === undefined) {
    compiled = new CompiledSilence(silence);
    compiledCache.set(silence, compiled);
  }
  return compiled;
}

/** The state Alertmanager would report for the silence at `now`. */
export function silenceStatus(silence: Silence, now: Date): SilenceStatus {
  return compileSilence(silence).status(now);
}

/**
 * Expires a silence the way Alertmanager does: a pending one gets
 * `startsAt = endsAt = now`, an active one `endsAt = now`, an expired one is
 * returned unchanged. Permanent silences stop being permanent.
 */
export function expireSilence<S extends Silence>(silence: S, now: Date): S {
  const compiled = compileSilence(silence);
  const at = now.getTime();
  if (at > compiled.endsAtMs) return silence;
  const stamp = now.toISOString();
  const { permanent: _permanent, ...rest } = silence;
  return (at < compiled.startsAtMs ? { ...rest, startsAt: stamp, endsAt: stamp } : { ...rest, endsAt: stamp }) as S;
}
