import { describe, expect, it } from 'vitest';
import { SilenceValidationError, validateSilence } from '../../../lib/silence/silence.js';
import type { Silence, SilenceIssue } from '../../../lib/silence/silence.js';
import { aScheduledSilence, aSilence, eq, re } from './builders.js';

function issues(silence: Silence): SilenceIssue[] {
  try {
    validateSilence(silence);
  } catch (error) {
    if (error instanceof SilenceValidationError) return error.issues;
    throw error;
  }
  return [];
}

const paths = (silence: Silence): string[] => issues(silence).map((issue) => issue.path);

describe('validateSilence', () => {
  it('accepts a well-formed silence', () => {
    expect(() => validateSilence(aSilence())).not.toThrow();
  });

  it('throws a SilenceValidationError with its name and a readable message', () => {
    expect(() => validateSilence(aSilence({ matchers: [] }))).toThrow(SilenceValidationError);
    try {
      validateSilence(aSilence({ matchers: [] }));
    } catch (error) {
      expect((error as Error).name).toBe('SilenceValidationError');
      expect((error as Error).message).toBe('invalid silence: matchers: at least one matcher is required');
    }
  });

  it('requires at least one matcher', () => {
    expect(paths(aSilence({ matchers: [] }))).toEqual(['matchers']);
  });

  it('rejects a silence whose matchers all match the empty string, since it would mute everything', () => {
    const everything = issues(aSilence({ matchers: [eq('team', ''), re('severity', '.*')] }));
    expect(everything).toHaveLength(1);
    expect(everything[0]!.message).toContain('team="", severity=~".*" would match every alert');
    expect(paths(aSilence({ matchers: [eq('team', ''), re('severity', '.+')] }))).toEqual([]);
  });

  it('names the matcher that does not compile', () => {
    const found = issues(aSilence({ matchers: [eq('a', 'b'), re('job', '(')] }));
    expect(found).toEqual([{ path: 'matchers[1]', message: expect.stringContaining('invalid regular expression') }]);
  });

  it('requires endsAt not before startsAt, allowing equality as Alertmanager does for expired pending silences', () => {
    expect(paths(aSilence({ endsAt: '2026-02-28T23:59:59Z' }))).toEqual(['endsAt']);
    expect(paths(aSilence({ endsAt: '2026-03-01T00:00:00Z' }))).toEqual([]);
  });

  it('requires RFC 3339 timestamps', () => {
    expect(paths(aSilence({ startsAt: 'tomorrow', endsAt: '2026' }))).toEqual(['startsAt', 'endsAt']);
    expect(paths(aSilence({ startsAt: '2026-03-01T01:00:00+01:00', endsAt: '2026-03-01T00:00:00.5Z' }))).toEqual(
      [],
    );
  });

  it('requires endsAt unless permanent, and refuses both', () => {
    expect(paths(aSilence({ endsAt: undefined }))).toEqual(['endsAt']);
    expect(paths(aSilence({ permanent: true }))).toEqual(['endsAt']);
    expect(paths(aSilence({ permanent: true, endsAt: undefined }))).toEqual([]);
  });

  it('validates the schedule cron, duration and IANA time zone', () => {
    expect(paths(aScheduledSilence('0 25 * * *', 3600, 'Europe/Berlin'))).toEqual(['schedule.cron']);
    expect(paths(aScheduledSilence('0 0 * * * *', 3600, 'Europe/Berlin'))).toEqual(['schedule.cron']);
    expect(paths(aScheduledSilence('0 2 * * *', 0, 'Europe/Berlin'))).toEqual(['schedule.durationSeconds']);
    expect(paths(aScheduledSilence('0 2 * * *', 90.5, 'Europe/Berlin'))).toEqual(['schedule.durationSeconds']);
    expect(paths(aScheduledSilence('0 2 * * *', 3600, 'Europe/Atlantis'))).toEqual(['schedule.timeZone']);
    expect(paths(aScheduledSilence('0 2 * * *', 3600, '+01:00'))).toEqual(['schedule.timeZone']);
    expect(paths(aScheduledSilence('@daily', 3600, 'America/New_York'))).toEqual([]);
  });

  it('rejects a schedule that never fires while the silence lasts', () => {
    const leapDayOnly = aSilence({
      startsAt: '2026-03-01T00:00:00Z',
      endsAt: '2026-12-31T00:00:00Z',
      schedule: { cron: '0 0 29 2 *', durationSeconds: 3600, timeZone: 'UTC' },
    });
    expect(issues(leapDayOnly)).toEqual([
      { path: 'schedule.cron', message: 'never fires between startsAt and endsAt' },
    ]);
    expect(paths(aScheduledSilence('0 0 31 2 *', 3600, 'UTC'))).toEqual(['schedule.cron']);
  });

  it('requires a tenant id for tenant silences, and who created it', () => {
    expect(paths(aSilence({ scope: { kind: 'tenant', tenantId: '' } }))).toEqual(['scope.tenantId']);
    expect(paths(aSilence({ createdBy: ' ' }))).toEqual(['createdBy']);
  });

  it('lists every problem at once', () => {
    expect(paths(aSilence({ id: '', matchers: [], endsAt: 'never', createdBy: '' }))).toEqual([
      'id',
      'createdBy',
      'matchers',
      'endsAt',
    ]);
  });
});
