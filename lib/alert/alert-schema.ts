import * as z from 'zod';
import type { Alert, NotifiedAlert } from './alert.js';
import { isWellFormedText } from './text.js';

/** RFC 3339 date-time as Go and Prometheus print it (fractional seconds up to nanoseconds). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const rfc3339 = z
  .string()
  .refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), 'must be an RFC 3339 date-time');

/** Text that can be stored and sent: no lone UTF-16 surrogates (JSON escapes can smuggle them in). */
const wellFormed = z.string().refine(isWellFormedText, 'must be valid Unicode text');

/** Label and annotation maps: string values only, as Alertmanager requires. */
export const labelSetSchema = z.record(wellFormed, wellFormed);

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
