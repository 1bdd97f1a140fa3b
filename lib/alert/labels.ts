import type { Alert, LabelSet } from './alert.js';

/**
 * Prometheus' classic label-name rule, which Alertmanager applies to label and
 * annotation names. Prometheus 3's UTF-8 names are not accepted: matchers,
 * `groupBy`, selectors and templates here are written for classic names.
 */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Names that are valid Prometheus names but cannot be stored: the DynamoDB
 * marshaller and zod's `record` rebuild maps by assignment, and assigning
 * `__proto__` sets the prototype instead, so the label would vanish silently.
 */
const UNSTORABLE_NAMES: ReadonlySet<string> = new Set(['__proto__']);

/** Why `name` cannot be a key of a stored map, or undefined when it can. */
export function unstorableNameProblem(name: string): string | undefined {
  return UNSTORABLE_NAMES.has(name) ? `the name ${name} is reserved` : undefined;
}

/** Why `name` cannot be a label or annotation name, or undefined when it can. */
export function labelNameProblem(name: string): string | undefined {
  return unstorableNameProblem(name) ?? (LABEL_NAME.test(name) ? undefined : 'name must match [a-zA-Z_][a-zA-Z0-9_]*');
}

/**
 * The value of a label, or `''` when absent, which is how Alertmanager compares
 * labels. Only own properties count: a missing label named `constructor` or
 * `toString` must not read as Object.prototype's function.
 */
export function labelValue(labels: LabelSet, name: string): string {
  return Object.hasOwn(labels, name) ? (labels[name] ?? '') : '';
}

/**
 * Largest accepted size of an alert's text: the UTF-8 bytes of the JSON of its
 * labels, annotations and generatorURL. Every stage keeps an alert whole in one
 * DynamoDB item (firing set, alert path) and a group keeps it about three times
 * (state, outbox alerts, common labels and annotations) in one gzip-compressed
 * 400 KB item, so 128 KiB of incompressible text still fits with margin
 * (measured in test/integration/ingest-formats.test.ts).
 */
export const MAX_ALERT_TEXT_BYTES = 128 * 1024;

/** The size that {@link MAX_ALERT_TEXT_BYTES} limits. */
export function alertTextBytes(alert: Pick<Alert, 'labels' | 'annotations' | 'generatorURL'>): number {
  return Buffer.byteLength(JSON.stringify({ labels: alert.labels, annotations: alert.annotations, generatorURL: alert.generatorURL }));
}

/**
 * Whether an alert's text is within {@link MAX_ALERT_TEXT_BYTES}, without
 * printing it when it clearly is: JSON escaping at most sextuples a UTF-16
 * unit (`\u0000`), and no unit takes more than 3 UTF-8 bytes, so a bound
 * from the lengths alone decides almost every alert.
 */
export function withinAlertTextLimit(alert: Pick<Alert, 'labels' | 'annotations' | 'generatorURL'>): boolean {
  let units = alert.generatorURL.length + 64;
  for (const set of [alert.labels, alert.annotations]) {
    for (const name in set) units += name.length + (set[name]?.length ?? 0) + 6;
  }
  return units * 6 <= MAX_ALERT_TEXT_BYTES || alertTextBytes(alert) <= MAX_ALERT_TEXT_BYTES;
}

/** Whether two label sets hold the same names with the same values. */
export function sameLabelSet(a: LabelSet, b: LabelSet): boolean {
  const names = Object.keys(a);
  if (names.length !== Object.keys(b).length) return false;
  for (const name of names) {
    if (!Object.hasOwn(b, name) || a[name] !== b[name]) return false;
  }
  return true;
}
