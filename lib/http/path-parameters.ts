import * as z from 'zod';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';

/**
 * The longest id a path parameter (or a query filter used as a key) may carry.
 * DynamoDB refuses sort keys over 1024 bytes and partition keys over 2048, and
 * ids are stored behind prefixes (`TENANT#<tenant>#<name>`), so anything near
 * those limits can only be a malformed request, never a stored object.
 */
export const MAX_KEY_PART_BYTES = 512;

// Control characters appear in no id tidings issues, and some stores mangle them.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why a value cannot be a key, or undefined when it can. */
function keyPartProblem(value: string): string | undefined {
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY_PART_BYTES) return `must be at most ${MAX_KEY_PART_BYTES} bytes`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  return undefined;
}

/** A string that can be stored as (part of) a key: bounded length, no control characters. */
export const keyPartSchema = z.string().superRefine((value, context) => {
  const problem = keyPartProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

/** Refuses, as a 400 naming the field, a value that cannot be part of a key; checked before any lookup. */
export function assertKeyPart(value: string, field: string): string {
  const problem = keyPartProblem(value);
  if (problem !== undefined) throw new InvalidPayloadError(`invalid ${field}`, [{ field, message: problem }]);
  return value;
}

/** Percent-decodes a path segment; malformed escapes (`%ZZ`, `%E0%A4%A`) are a 400 naming the field, not a URIError. */
export function decodePathParameter(raw: string, field: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new InvalidPayloadError(`invalid ${field}`, [{ field, message: 'malformed percent-encoding' }]);
  }
  return assertKeyPart(decoded, field);
}
