import type { Alert, LabelSet } from '../../../lib/alert/alert.js';
import { ZERO_TIME } from '../../../lib/alert/alert.js';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import type { ApiMatcher } from '../../../lib/matchers/api-matcher.js';
import type { InhibitRule } from '../../../lib/inhibit/rule.js';

/** A firing alert with these labels and its real fingerprint. */
export function anAlert(labels: LabelSet, overrides: Partial<Alert> = {}): Alert {
  return {
    labels,
    annotations: {},
    status: 'firing',
    startsAt: '2026-03-01T00:00:00Z',
    endsAt: ZERO_TIME,
    generatorURL: '',
    fingerprint: fingerprint(labels),
    source: 'alertmanager-webhook',
    cluster: labels.cluster ?? 'prod-eu',
    ...overrides,
  };
}

export function eq(name: string, value: string): ApiMatcher {
  return { name, value, isRegex: false, isEqual: true };
}

export function re(name: string, pattern: string): ApiMatcher {
  return { name, value: pattern, isRegex: true, isEqual: true };
}

/** The textbook rule: a critical alert mutes warnings with the same alertname and node. */
export function anInhibitRule(overrides: Partial<InhibitRule> = {}): InhibitRule {
  return {
    id: 'critical-mutes-warning',
    sourceMatchers: [eq('severity', 'critical')],
    targetMatchers: [eq('severity', 'warning')],
    equal: ['node'],
    scope: { kind: 'global' },
    ...overrides,
  };
}
