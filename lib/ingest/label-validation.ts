import * as z from 'zod';
import { ZERO_TIME, type Alert, type LabelSet } from '../alert/alert.js';
import { rfc3339 } from '../alert/alert-schema.js';
import { alertTextBytes, LABEL_NAME, labelNameProblem, MAX_ALERT_TEXT_BYTES, unstorableNameProblem, withinAlertTextLimit } from '../alert/labels.js';
// A lone UTF-16 surrogate (only reachable through a `\ud800` JSON escape) has no
// UTF-8 encoding, so the fingerprint could not be computed from the value as sent.
import { isWellFormedText } from '../alert/text.js';
import type { FieldIssue } from './ingest-errors.js';

export { isWellFormedText, LABEL_NAME, MAX_ALERT_TEXT_BYTES };

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A label or annotation map, validated key by key on the raw object; every
 * ingest format that carries labels uses it, so they share rules and messages.
 * zod's own `record` silently drops a `__proto__` key, which would lose a label
 * without telling the sender, so the keys are checked here and that name is refused.
 */
export function labelMapSchema(options: { requireValue: boolean; names?: 'prometheus' | 'kubernetes' }) {
  return z
    .custom<Record<string, unknown>>(isJsonObject, 'must be an object of string values')
    .superRefine((map, ctx) => {
      let clean = true;
      for (const name of Object.keys(map)) {
        const value = map[name];
        // Kubernetes keys (`app.kubernetes.io/name`) are the API server's to check; only storability is ours.
        const nameProblem = options.names === 'kubernetes' ? unstorableNameProblem(name) : labelNameProblem(name);
        if (nameProblem !== undefined) {
          clean = false;
          ctx.addIssue({ code: 'custom', path: [name], message: nameProblem });
        }
        if (typeof value !== 'string') {
          clean = false;
          ctx.addIssue({ code: 'custom', path: [name], message: `value must be a string, got ${describe(value)}` });
        } else if (!isWellFormedText(value)) {
          clean = false;
          ctx.addIssue({ code: 'custom', path: [name], message: 'value must be valid UTF-8' });
        }
      }
      // Only once the entries are sound, so one bad label is not reported twice.
      if (clean && options.requireValue && !Object.values(map).some((value) => typeof value === 'string' && value !== '')) {
        ctx.addIssue({ code: 'custom', message: 'must have at least one label with a non-empty value' });
      }
    })
    .transform((map) => map as LabelSet);
}

/** Labels as Alertmanager requires them: at least one non-empty value. */
export const labelsInput = labelMapSchema({ requireValue: true });
/** Annotations: same name and value rules, may be empty. */
export const annotationsInput = labelMapSchema({ requireValue: false });
/** A Kubernetes object's labels or annotations inside an event: same value rules, Kubernetes keys. */
export const kubernetesMapInput = labelMapSchema({ requireValue: false, names: 'kubernetes' });

/**
 * The issue for an alert too large to store (see MAX_ALERT_TEXT_BYTES), or
 * undefined. Checked on the alert as built, cluster label included, so nothing
 * accepted at ingest can fail on size in a later stage. `prefix` is the item's
 * path (`alerts[3]`, `[3]`, `data` or '').
 */
export function oversizeIssue(alert: Alert, prefix: string, index?: number): FieldIssue | undefined {
  if (withinAlertTextLimit(alert)) return undefined;
  const bytes = alertTextBytes(alert);
  // Name the part that contributes most, so the sender knows what to shorten.
  const parts: Array<[string, number]> = [
    ['labels', Buffer.byteLength(JSON.stringify(alert.labels))],
    ['annotations', Buffer.byteLength(JSON.stringify(alert.annotations))],
    ['generatorURL', Buffer.byteLength(alert.generatorURL)],
  ];
  const largest = parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const field = prefix === '' ? largest : `${prefix}.${largest}`;
  const message = `alert is too large: labels, annotations and generatorURL take ${bytes} bytes, limit ${MAX_ALERT_TEXT_BYTES}`;
  return index === undefined ? { field, message } : { field, message, index };
}

/**
 * An optional timestamp. Go clients (amtool) send the zero time for "not set"
 * because their `omitempty` does not omit structs, so it counts as missing.
 */
export const optionalTimestamp = rfc3339
  .nullable()
  .optional()
  .transform((value) => (value === null || value === undefined || isZeroTime(value) ? undefined : value));

/** True for Go's zero time in any RFC 3339 spelling (`0001-01-01T00:00:00.000Z`). */
export function isZeroTime(value: string): boolean {
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && ms <= Date.parse(ZERO_TIME);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
