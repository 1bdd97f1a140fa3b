import * as z from 'zod';
import type { Alert, LabelSet, NotifiedAlert } from './alert.js';
import { isWellFormedText } from './text.js';

/** RFC 3339 date-time as Go and Prometheus print it (fractional seconds up to nanoseconds). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const rfc3339 = z
  .string()
  .refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), 'must be an RFC 3339 date-time');

/**
 * Label and annotation maps: string values only, as Alertmanager requires,
 * and well-formed text (no lone UTF-16 surrogates, which JSON escapes can smuggle in).
 * One pass over the entries (z.record parses each name and value through a
 * schema of its own, which was most of the cost of reading a queue message);
 * a refused entry is named by its path as z.record would name it.
 */
export const labelSetSchema: z.ZodType<LabelSet> = z
  .custom<LabelSet>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be an object of strings')
  .check((ctx) => {
    for (const [name, value] of Object.entries(ctx.value)) {
      if (!isWellFormedText(name)) ctx.issues.push({ code: 'custom', message: 'must be valid Unicode text', input: name, path: [name] });
      if (typeof value !== 'string') ctx.issues.push({ code: 'invalid_type', expected: 'string', message: 'must be a string', input: value, path: [name] });
      else if (!isWellFormedText(value)) ctx.issues.push({ code: 'custom', message: 'must be valid Unicode text', input: value, path: [name] });
    }
  })
  // What z.record(z.string(), z.string()) documents, for the OpenAPI description.
  .meta({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } });

/** In the order of Alertmanager's webhook alert: parsed objects keep the schema's key order, and are posted as they are. */
const notifiedAlertFields = {
  status: z.enum(['firing', 'resolved']),
  labels: labelSetSchema,
  annotations: labelSetSchema,
  startsAt: z.string(),
  endsAt: z.string(),
  generatorURL: z.string(),
  fingerprint: z.string(),
};

/** An alert as a notification carries it; validated when deliver reads a notification. */
export const notifiedAlertSchema: z.ZodType<NotifiedAlert> = z.object(notifiedAlertFields);

// An alert keeps labels and annotations first, as queue bodies always had them.
const { labels, annotations, ...fieldsAfterAnnotations } = notifiedAlertFields;

/** An alert as it travels on our queues; validated whenever a stage reads a message. */
export const alertSchema: z.ZodType<Alert> = z.object({
  labels,
  annotations,
  ...fieldsAfterAnnotations,
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  source: z.enum([
    'alertmanager-webhook',
    'alertmanager-api',
    'kubernetes-event',
    'kubernetes-audit',
    'cloudevent',
    'generic',
  ]),
  cluster: z.string(),
});
