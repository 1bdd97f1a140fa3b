import type { ApiMatcher } from '../../../lib/matchers/api-matcher.js';
import type { Silence } from '../../../lib/silence/silence.js';

/** `name="value"` in API v2 form. */
export function eq(name: string, value: string): ApiMatcher {
  return { name, value, isRegex: false, isEqual: true };
}

/** `name=~"pattern"` in API v2 form. */
export function re(name: string, pattern: string): ApiMatcher {
  return { name, value: pattern, isRegex: true, isEqual: true };
}

/** A valid one-day global silence of KubePodCrashLooping in March 2026; override what a test is about. */
export function aSilence(overrides: Partial<Silence> = {}): Silence {
  return {
    id: 'silence-1',
    matchers: [eq('alertname', 'KubePodCrashLooping')],
    startsAt: '2026-03-01T00:00:00Z',
    endsAt: '2026-03-02T00:00:00Z',
    createdBy: 'ops@example.com',
    comment: 'planned maintenance',
    scope: { kind: 'global' },
    ...overrides,
  };
}

/** A permanent silence (no endsAt) with the given recurring schedule. */
export function aScheduledSilence(
  cron: string,
  durationSeconds: number,
  timeZone: string,
  overrides: Partial<Silence> = {},
): Silence {
  return aSilence({
    startsAt: '2026-01-01T00:00:00Z',
    endsAt: undefined,
    permanent: true,
    schedule: { cron, durationSeconds, timeZone },
    ...overrides,
  });
}

export const at = (iso: string): Date => new Date(iso);
