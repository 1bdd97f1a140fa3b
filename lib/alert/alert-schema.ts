import { z } from 'zod';
import type { Alert } from './alert.js';

/** RFC 3339 date-time as Go and Prometheus print it (fractional seconds up to nanoseconds). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const rfc3339 = z
  .string()
  .refine((value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)), 'must be an RFC 3339 date-time');

/** Label and annotation maps: string values only, as Alertmanager requires. */
export const labelSetSchema = z.record(z.string(), z.string());

/** An alert as it travels on our queues; validated whenever a stage reads a message. */
export const alertSchema: z.ZodType<Alert> = z.object({
  labels: labelSetSchema,
  annotations: labelSetSchema,
  status: z.enum(['firing', 'resolved']),
  startsAt: z.string(),
  endsAt: z.string(),
  generatorURL: z.string(),
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
