import { describe, expect, it } from 'vitest';
import { alertSilenceMatchers, ruleSilenceMatchers } from '../../../lib/silence/patterns.js';
import { silencedBy } from '../../../lib/silence/silencer.js';
import { aSilence, at } from './builders.js';

const now = at('2026-03-01T12:00:00Z');
const cartCrash = { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-1', cluster: 'prod-eu' };

describe('ruleSilenceMatchers', () => {
  it('disables one rule in one namespace, whatever the pod', () => {
    const matchers = ruleSilenceMatchers({ alertname: 'KubePodCrashLooping', namespace: 'shop' });
    const silence = aSilence({ matchers });
    expect(silencedBy(cartCrash, [silence], now)).toEqual(['silence-1']);
    expect(silencedBy({ ...cartCrash, pod: 'web-7' }, [silence], now)).toEqual(['silence-1']);
    expect(silencedBy({ ...cartCrash, namespace: 'payments' }, [silence], now)).toEqual([]);
    expect(silencedBy({ ...cartCrash, alertname: 'KubePodNotReady' }, [silence], now)).toEqual([]);
  });

  it('can be narrowed to one cluster', () => {
    const matchers = ruleSilenceMatchers({ alertname: 'KubePodCrashLooping', namespace: 'shop', cluster: 'prod-eu' });
    const silence = aSilence({ matchers });
    expect(silencedBy(cartCrash, [silence], now)).toEqual(['silence-1']);
    expect(silencedBy({ ...cartCrash, cluster: 'prod-us' }, [silence], now)).toEqual([]);
  });
});

describe('alertSilenceMatchers', () => {
  it('blacklists one alert by all its labels, leaving its siblings alone', () => {
    const matchers = alertSilenceMatchers(cartCrash);
    expect(matchers.map((m) => m.name)).toEqual(['alertname', 'cluster', 'namespace', 'pod']);
    const silence = aSilence({ matchers });
    expect(silencedBy(cartCrash, [silence], now)).toEqual(['silence-1']);
    expect(silencedBy({ ...cartCrash, pod: 'cart-2' }, [silence], now)).toEqual([]);
  });

  it('leaves out empty labels', () => {
    expect(alertSilenceMatchers({ alertname: 'X', team: '' })).toEqual([
      { name: 'alertname', value: 'X', isRegex: false, isEqual: true },
    ]);
  });
});
