import type { LabelSet } from '../alert/alert.js';
import type { ApiMatcher } from '../matchers/api-matcher.js';

function equals(name: string, value: string): ApiMatcher {
  return { name, value, isRegex: false, isEqual: true };
}

/** What identifies the alerts one rule raises in one place. */
export interface RuleTarget {
  alertname: string;
  namespace: string;
  /** Narrows the silence to one cluster; omit to disable the rule in that namespace everywhere. */
  cluster?: string;
}

/**
 * Matchers for "disable this rule here": every alert the rule raises in the
 * namespace, whatever its other labels, as operators silence a noisy rule.
 */
export function ruleSilenceMatchers(target: RuleTarget): ApiMatcher[] {
  const matchers = [equals('alertname', target.alertname), equals('namespace', target.namespace)];
  if (target.cluster !== undefined) matchers.push(equals('cluster', target.cluster));
  return matchers;
}

/**
 * Matchers for "blacklist this alert": one equality matcher per label,
 * sorted by name. Empty labels are left out since they equal missing ones.
 * Alerts with additional labels still match, as in Alertmanager.
 */
export function alertSilenceMatchers(labels: LabelSet): ApiMatcher[] {
  return Object.keys(labels)
    .sort()
    .filter((name) => (labels[name] ?? '') !== '')
    .map((name) => equals(name, labels[name]!));
}
