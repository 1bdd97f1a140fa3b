import { z } from 'zod';
import { ZERO_TIME, type LabelSet } from '../alert/alert.js';
import { rfc3339 } from '../alert/alert-schema.js';

/** Alertmanager's classic label-name rule; annotation names follow it too. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// A lone UTF-16 surrogate (only reachable through a `\ud800` JSON escape) has no
// UTF-8 encoding, so the fingerprint could not be computed from the value as sent.
import { isWellFormedText } from '../alert/text.js';
export { isWellFormedText };

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A label or annotation map, validated key by key on the raw object. zod's own
 * `record` silently drops a `__proto__` key, which would lose a label without
 * telling the sender, so the keys are checked here and that name is refused.
 */
export function labelMapSchema(options: { requireValue: boolean }) {
  return z
    .custom<Record<string, unknown>>(isJsonObject, 'must be an object of string values')
    .superRefine((map, ctx) => {
      let clean = true;
      for (const name of Object.keys(map)) {
        const value = map[name];
        if (name === '__proto__') {
          clean = false;
          ctx.addIssue({ code: 'custom', path: [name], message: 'the name __proto__ is reserved' });
        } else if (!LABEL_NAME.test(name)) {
          clean = false;
          ctx.addIssue({ code: 'custom', path: [name], message: 'name must match [a-zA-Z_][a-zA-Z0-9_]*' });
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
