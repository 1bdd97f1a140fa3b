import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import type { LabelSet } from '../../../lib/alert/alert.js';
import { silencedBy, createSilenceMuter } from '../../../lib/silence/silencer.js';
import { silenceStatus } from '../../../lib/silence/silence.js';
import { aScheduledSilence, aSilence, at, eq, re } from './builders.js';

const crashLooping: LabelSet = {
  alertname: 'KubePodCrashLooping',
  namespace: 'shop',
  pod: 'cart-1',
  severity: 'warning',
  cluster: 'prod-eu',
};

describe('silencedBy', () => {
  it('returns the ids of the active silences that match, in order', () => {
    const silences = [
      aSilence({ id: 'by-name' }),
      aSilence({ id: 'other-alert', matchers: [eq('alertname', 'NodeDown')] }),
      aSilence({ id: 'by-namespace', matchers: [re('namespace', 'shop|web')] }),
    ];
    expect(silencedBy(crashLooping, silences, at('2026-03-01T12:00:00Z'))).toEqual(['by-name', 'by-namespace']);
  });

  it('ignores pending and expired silences', () => {
    const silences = [
      aSilence({ id: 'pending', startsAt: '2026-03-02T00:00:00Z', endsAt: '2026-03-03T00:00:00Z' }),
      aSilence({ id: 'expired', startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-02-02T00:00:00Z' }),
    ];
    expect(silencedBy(crashLooping, silences, at('2026-03-01T12:00:00Z'))).toEqual([]);
  });

  it('mutes only when every matcher matches, missing labels counting as empty', () => {
    const needsTeam = aSilence({ matchers: [eq('alertname', 'KubePodCrashLooping'), re('team', '.+')] });
    const withoutTeam = aSilence({ id: 'no-team', matchers: [eq('alertname', 'KubePodCrashLooping'), eq('team', '')] });
    expect(silencedBy(crashLooping, [needsTeam, withoutTeam], at('2026-03-01T12:00:00Z'))).toEqual(['no-team']);
  });

  describe('recurring schedules', () => {
    it('mutes inside a weekday business-hours window in the schedule time zone only', () => {
      const officeHoursTokyo = aScheduledSilence('0 9 * * 1-5', 8 * 3600, 'Asia/Tokyo');
      // Monday 2 March 2026, 09:00 and 16:59 JST.
      expect(silencedBy(crashLooping, [officeHoursTokyo], at('2026-03-02T00:00:00Z'))).toEqual(['silence-1']);
      expect(silencedBy(crashLooping, [officeHoursTokyo], at('2026-03-02T07:59:00Z'))).toEqual(['silence-1']);
      // Monday 17:00 JST, and Sunday 1 March 09:00 JST.
      expect(silencedBy(crashLooping, [officeHoursTokyo], at('2026-03-02T08:00:00Z'))).toEqual([]);
      expect(silencedBy(crashLooping, [officeHoursTokyo], at('2026-03-01T00:00:00Z'))).toEqual([]);
    });

    it('mutes a tenant alert only while the Berlin schedule is active across the DST change', () => {
      const nightlyBackup = aScheduledSilence('30 2 * * *', 3600, 'Europe/Berlin', {
        id: 'backup-window',
        scope: { kind: 'tenant', tenantId: 'shop-team' },
      });
      const silences = [nightlyBackup];
      // Saturday 28 March 2026, still CET (UTC+1): 02:30-03:30 local.
      expect(silencedBy(crashLooping, silences, at('2026-03-28T01:29:59Z'))).toEqual([]);
      expect(silencedBy(crashLooping, silences, at('2026-03-28T01:30:00Z'))).toEqual(['backup-window']);
      expect(silencedBy(crashLooping, silences, at('2026-03-28T02:29:59Z'))).toEqual(['backup-window']);
      expect(silencedBy(crashLooping, silences, at('2026-03-28T02:30:00Z'))).toEqual([]);
      // Sunday 29 March: clocks jump from 02:00 CET to 03:00 CEST, so 02:30 does not exist;
      // the window opens at the jump (03:00 CEST = 01:00Z) and lasts one real hour.
      expect(silencedBy(crashLooping, silences, at('2026-03-29T00:59:59Z'))).toEqual([]);
      expect(silencedBy(crashLooping, silences, at('2026-03-29T01:00:00Z'))).toEqual(['backup-window']);
      expect(silencedBy(crashLooping, silences, at('2026-03-29T01:59:59Z'))).toEqual(['backup-window']);
      expect(silencedBy(crashLooping, silences, at('2026-03-29T02:00:00Z'))).toEqual([]);
      // Monday 30 March, CEST (UTC+2): 02:30 local is 00:30Z.
      expect(silencedBy(crashLooping, silences, at('2026-03-30T00:30:00Z'))).toEqual(['backup-window']);
      expect(silencedBy(crashLooping, silences, at('2026-03-30T01:30:00Z'))).toEqual([]);
    });

    it('opens a New York window once on the November night 01:30 happens twice', () => {
      const silence = aScheduledSilence('30 1 * * *', 30 * 60, 'America/New_York');
      // Sunday 1 November 2026: 01:30 EDT (05:30Z), then clocks fall back at 02:00 EDT to 01:00 EST.
      expect(silencedBy(crashLooping, [silence], at('2026-11-01T05:30:00Z'))).toEqual(['silence-1']);
      expect(silencedBy(crashLooping, [silence], at('2026-11-01T05:59:59Z'))).toEqual(['silence-1']);
      // 01:30 EST, the second 01:30 of the night.
      expect(silencedBy(crashLooping, [silence], at('2026-11-01T06:30:00Z'))).toEqual([]);
      expect(silenceStatus(silence, at('2026-11-01T06:30:00Z'))).toEqual({
        state: 'pending',
        nextActiveAt: at('2026-11-02T06:30:00Z'),
      });
      // Monday 2 November, EST (UTC-5).
      expect(silencedBy(crashLooping, [silence], at('2026-11-02T06:45:00Z'))).toEqual(['silence-1']);
    });

    it('counts the duration in elapsed time across the fall-back hour', () => {
      const overnight = aScheduledSilence('0 0 * * *', 8 * 3600, 'America/New_York');
      // Midnight EDT on 1 November is 04:00Z; eight real hours later is 12:00Z (07:00 EST).
      expect(silencedBy(crashLooping, [overnight], at('2026-11-01T11:59:59Z'))).toEqual(['silence-1']);
      expect(silencedBy(crashLooping, [overnight], at('2026-11-01T12:00:00Z'))).toEqual([]);
    });

    it('does not mute in a window before startsAt or after endsAt', () => {
      const bounded = aSilence({
        startsAt: '2026-03-03T00:00:00Z',
        endsAt: '2026-03-04T23:59:59Z',
        schedule: { cron: '0 1 * * *', durationSeconds: 3600, timeZone: 'UTC' },
      });
      expect(silencedBy(crashLooping, [bounded], at('2026-03-02T01:30:00Z'))).toEqual([]);
      expect(silencedBy(crashLooping, [bounded], at('2026-03-03T01:30:00Z'))).toEqual(['silence-1']);
      expect(silencedBy(crashLooping, [bounded], at('2026-03-05T01:30:00Z'))).toEqual([]);
    });
  });
});

describe('createSilenceMuter', () => {
  const alert = { labels: crashLooping, fingerprint: fingerprint(crashLooping) };
  const now = at('2026-03-01T12:00:00Z');
  const globalSilence = aSilence({ id: 'global' });
  const shopSilence = aSilence({ id: 'shop-only', scope: { kind: 'tenant', tenantId: 'shop-team' } });

  it('gives the silence ids as the reason', () => {
    const muter = createSilenceMuter([globalSilence, shopSilence]);
    expect(muter.mutes(alert, now)).toEqual({ kind: 'silence', silenceIds: ['global', 'shop-only'] });
  });

  it("applies a tenant silence to that tenant's receivers only", () => {
    const forShop = createSilenceMuter([shopSilence], { audience: { kind: 'tenant', tenantId: 'shop-team' } });
    const forPayments = createSilenceMuter([shopSilence], { audience: { kind: 'tenant', tenantId: 'payments' } });
    const forGlobal = createSilenceMuter([shopSilence], { audience: { kind: 'global' } });
    expect(forShop.mutes(alert, now)).toEqual({ kind: 'silence', silenceIds: ['shop-only'] });
    expect(forPayments.mutes(alert, now)).toBeUndefined();
    expect(forGlobal.mutes(alert, now)).toBeUndefined();
  });

  it("applies a global silence to every tenant's receivers", () => {
    const forPayments = createSilenceMuter([globalSilence], { audience: { kind: 'tenant', tenantId: 'payments' } });
    expect(forPayments.mutes(alert, now)).toEqual({ kind: 'silence', silenceIds: ['global'] });
  });

});
