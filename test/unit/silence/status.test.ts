import { describe, expect, it } from 'vitest';
import { expireSilence, silenceStatus, validateSilence } from '../../../lib/silence/silence.js';
import { createSilenceMuter } from '../../../lib/silence/silencer.js';
import { aScheduledSilence, aSilence, at } from './builders.js';

describe('silenceStatus', () => {
  const silence = aSilence({ startsAt: '2026-03-01T10:00:00Z', endsAt: '2026-03-01T12:00:00Z' });

  it('is pending before startsAt, saying when it starts', () => {
    expect(silenceStatus(silence, at('2026-03-01T09:59:59Z'))).toEqual({
      state: 'pending',
      nextActiveAt: at('2026-03-01T10:00:00Z'),
    });
  });

  it('is active from startsAt through endsAt inclusive, as Alertmanager reports it', () => {
    expect(silenceStatus(silence, at('2026-03-01T10:00:00Z'))).toEqual({
      state: 'active',
      activeUntil: at('2026-03-01T12:00:00Z'),
    });
    expect(silenceStatus(silence, at('2026-03-01T12:00:00Z')).state).toBe('active');
  });

  it('is expired after endsAt', () => {
    expect(silenceStatus(silence, at('2026-03-01T12:00:00.001Z'))).toEqual({ state: 'expired' });
  });

  it('never expires a permanent silence', () => {
    const permanent = aSilence({ endsAt: undefined, permanent: true });
    expect(silenceStatus(permanent, at('2126-03-01T00:00:00Z'))).toEqual({ state: 'active' });
  });

  it('reports a scheduled silence pending between windows and active inside one', () => {
    const nightly = aScheduledSilence('0 22 * * *', 4 * 3600, 'UTC');
    expect(silenceStatus(nightly, at('2026-03-05T12:00:00Z'))).toEqual({
      state: 'pending',
      nextActiveAt: at('2026-03-05T22:00:00Z'),
    });
    expect(silenceStatus(nightly, at('2026-03-06T01:00:00Z'))).toEqual({
      state: 'active',
      activeUntil: at('2026-03-06T02:00:00Z'),
    });
  });

  it('reports a scheduled silence expired once no window opens before its end', () => {
    const nightly = aScheduledSilence('0 22 * * *', 3600, 'UTC', {
      permanent: undefined,
      endsAt: '2026-03-10T12:00:00Z',
    });
    expect(silenceStatus(nightly, at('2026-03-09T23:30:00Z')).state).toBe('expired');
    expect(silenceStatus(nightly, at('2026-03-09T22:30:00Z')).state).toBe('active');
  });

  it('clips a window at endsAt', () => {
    const nightly = aScheduledSilence('0 22 * * *', 4 * 3600, 'UTC', {
      permanent: undefined,
      endsAt: '2026-03-10T23:00:00Z',
    });
    expect(silenceStatus(nightly, at('2026-03-10T22:30:00Z'))).toEqual({
      state: 'active',
      activeUntil: at('2026-03-10T23:00:00Z'),
    });
  });

  it('merges overlapping windows when saying until when a silence is active', () => {
    const hourlyForNinetyMinutes = aScheduledSilence('0 * * * *', 90 * 60, 'UTC', {
      permanent: undefined,
      endsAt: '2026-03-01T05:00:00Z',
    });
    expect(silenceStatus(hourlyForNinetyMinutes, at('2026-03-01T01:10:00Z'))).toEqual({
      state: 'active',
      activeUntil: at('2026-03-01T05:00:00Z'),
    });
  });
});

describe('expireSilence', () => {
  const silence = aSilence({ startsAt: '2026-03-01T10:00:00Z', endsAt: '2026-03-01T12:00:00Z' });

  it('ends an active silence now', () => {
    const expired = expireSilence(silence, at('2026-03-01T11:00:00Z'));
    expect(expired).toEqual({ ...silence, endsAt: '2026-03-01T11:00:00.000Z' });
    expect(silenceStatus(expired, at('2026-03-01T11:00:01Z')).state).toBe('expired');
  });

  it('collapses a pending silence to now, which still validates', () => {
    const expired = expireSilence(silence, at('2026-03-01T09:00:00Z'));
    expect(expired.startsAt).toBe('2026-03-01T09:00:00.000Z');
    expect(expired.endsAt).toBe('2026-03-01T09:00:00.000Z');
    expect(() => validateSilence(expired)).not.toThrow();
  });

  it('leaves an expired silence untouched and makes a permanent one end', () => {
    expect(expireSilence(silence, at('2026-03-02T00:00:00Z'))).toBe(silence);
    const permanent = aSilence({ endsAt: undefined, permanent: true });
    const ended = expireSilence(permanent, at('2026-03-05T00:00:00Z'));
    expect(ended.permanent).toBeUndefined();
    expect(ended.endsAt).toBe('2026-03-05T00:00:00.000Z');
  });

  it('expires a recurring silence outside its window, and the expired silence still compiles and mutes nothing', () => {
    // Prepare: a nightly 02:00-04:00 window, expired at noon (outside the window).
    const nightly = aScheduledSilence('0 2 * * *', 7200, 'UTC');
    const noon = at('2026-03-03T12:00:00Z');

    // Act
    const expired = expireSilence(nightly, noon);

    // Assess
    expect(silenceStatus(expired, at('2026-03-03T12:00:01Z')).state).toBe('expired');
    const muter = createSilenceMuter([expired]);
    expect(muter.mutes({ labels: { alertname: 'KubePodCrashLooping' } } as never, at('2026-03-04T02:30:00Z'))).toBeUndefined();
  });
});

describe('createSilenceMuter', () => {
  it('leaves out a stored silence that does not compile instead of failing every flush of the account', () => {
    const damaged = aSilence({ id: 'damaged', matchers: [] });
    const good = aSilence({ id: 'good' });

    const muter = createSilenceMuter([damaged, good]);

    expect(muter.mutes({ labels: { alertname: 'KubePodCrashLooping' } } as never, at('2026-03-01T12:00:00Z'))).toEqual({ kind: 'silence', silenceIds: ['good'] });
  });
});

