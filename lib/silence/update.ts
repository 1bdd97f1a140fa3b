import { apiMatchType, type ApiMatcher } from '../matchers/api-matcher.js';
import type { Silence, SilenceState } from './silence.js';
import { parseTimestamp } from './timestamp.js';

/**
 * What Alertmanager does with a POST that names an existing silence:
 * `update` keeps the id and changes the silence in place, `replace` expires
 * it (unless already expired) and creates a new silence with a new id.
 */
export type SilenceChange = 'update' | 'replace';

/** The parts of a silence Alertmanager's API can carry. */
export interface SilenceBounds {
  matchers: readonly ApiMatcher[];
  startsAt: string;
  /** Absent: never ends (permanent, or a schedule without an end). */
  endsAt?: string;
}

/** Same matchers in the same order (name, operator, value): Alertmanager compares the lists as they are. */
export function sameMatchers(a: readonly ApiMatcher[], b: readonly ApiMatcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.name === b[i]!.name && m.value === b[i]!.value && apiMatchType(m) === apiMatchType(b[i]!));
}

/** The state by `startsAt`/`endsAt` alone, as Alertmanager judges an update (schedules aside). */
export function boundsState(silence: Pick<Silence, 'startsAt' | 'endsAt'>, now: Date): SilenceState {
  const at = now.getTime();
  if (at < (parseTimestamp(silence.startsAt) ?? 0)) return 'pending';
  if (silence.endsAt !== undefined && at > (parseTimestamp(silence.endsAt) ?? Number.POSITIVE_INFINITY)) return 'expired';
  return 'active';
}

/**
 * Alertmanager's rule (0.25, silence.go `canUpdate`): a silence changes in
 * place only when the record of what it muted stays true. The matchers must
 * be the same; an active silence must keep its start (to the second) and not
 * end in the past; a pending one must not start in the past; an expired one
 * is never changed. Anything else replaces it.
 */
export function silenceChange(previous: SilenceBounds, next: SilenceBounds, now: Date): SilenceChange {
  if (!sameMatchers(previous.matchers, next.matchers)) return 'replace';
  const nextStart = parseTimestamp(next.startsAt) ?? Number.NaN;
  const nextEnd = next.endsAt === undefined ? Number.POSITIVE_INFINITY : (parseTimestamp(next.endsAt) ?? Number.NaN);
  switch (boundsState(previous, now)) {
    case 'active':
      if (Math.floor(nextStart / 1000) !== Math.floor((parseTimestamp(previous.startsAt) ?? 0) / 1000)) return 'replace';
      return nextEnd < now.getTime() ? 'replace' : 'update';
    case 'pending':
      return nextStart < now.getTime() ? 'replace' : 'update';
    case 'expired':
      return 'replace';
  }
}
