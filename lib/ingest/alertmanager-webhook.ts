import * as z from 'zod';
import { CLUSTER_LABEL, ZERO_TIME, type Alert, type LabelSet } from '../alert/alert.js';
import { rfc3339 } from '../alert/alert-schema.js';
import { fingerprint } from '../alert/fingerprint.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import { annotationsInput, labelsInput, optionalTimestamp, oversizeIssue } from './label-validation.js';

const envelopeSchema = z.object({
  version: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  alerts: z.array(z.unknown()),
});

const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelsInput,
  // Go encodes an empty map as null.
  annotations: annotationsInput.nullable().optional(),
  // Missing (or Go's zero time) is defaulted as Alertmanager's own API does; notification-manager and scripts omit it.
  startsAt: optionalTimestamp,
  endsAt: rfc3339.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** The outcome of parsing a batch: the alerts worth keeping, and what was wrong with the rest. */
export interface ParsedBatch {
  alerts: Alert[];
  issues: FieldIssue[];
}

/** The authenticated sender, whose name overrides any `cluster` label in the payload. */
export interface IngestSource {
  clusterName: string;
}

/**
 * Parses an Alertmanager webhook body (version 4) into alerts. Invalid alerts are
 * reported with their index and field while the valid ones are kept, as
 * Alertmanager's own API does, because senders do not retry a 4xx and rejecting
 * the whole batch would lose good alerts. A missing startsAt becomes `now`, or
 * endsAt when that is already past, as in Alertmanager's API.
 */
export function parseAlertmanagerWebhook(body: unknown, source: IngestSource, options: { now?: Date } = {}): ParsedBatch {
  const now = options.now ?? new Date();
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new InvalidPayloadError('not an Alertmanager webhook payload', toIssues(envelope.error));
  }
  if (envelope.data.version !== undefined && envelope.data.version !== '4') {
    throw new InvalidPayloadError('unsupported webhook payload version', [
      { field: 'version', message: `must be "4", got ${JSON.stringify(envelope.data.version)}` },
    ]);
  }
  const alerts: Alert[] = [];
  const issues: FieldIssue[] = [];
  envelope.data.alerts.forEach((raw, index) => {
    const parsed = webhookAlertSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, `alerts[${index}]`, index));
      return;
    }
    const item = parsed.data;
    const endsAt = item.endsAt ?? ZERO_TIME;
    const endedBeforeNow = endsAt !== ZERO_TIME && Date.parse(endsAt) < now.getTime();
    const alert = buildAlert(
      {
        labels: item.labels,
        annotations: item.annotations ?? {},
        status: item.status,
        startsAt: item.startsAt ?? (endedBeforeNow ? endsAt : now.toISOString()),
        endsAt,
        generatorURL: item.generatorURL ?? '',
      },
      source,
      'alertmanager-webhook',
    );
    const tooLarge = oversizeIssue(alert, `alerts[${index}]`, index);
    if (tooLarge === undefined) alerts.push(alert);
    else issues.push(tooLarge);
  });
  return { alerts, issues };
}

/**
 * Stamps the authenticated cluster on an alert and computes its fingerprint.
 * Empty label values are dropped first, as Alertmanager does before fingerprinting.
 */
export function buildAlert(
  fields: Omit<Alert, 'fingerprint' | 'source' | 'cluster'>,
  source: IngestSource,
  kind: Alert['source'],
): Alert {
  const labels: LabelSet = {};
  for (const [name, value] of Object.entries(fields.labels)) {
    if (value !== '') labels[name] = value;
  }
  labels[CLUSTER_LABEL] = source.clusterName;
  return { ...fields, labels, fingerprint: fingerprint(labels), source: kind, cluster: source.clusterName };
}

/** Turns zod's issues into field paths a person can find in their payload. */
export function toIssues(error: z.ZodError, prefix = '', index?: number): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>((acc, part) => {
      if (typeof part === 'number') return `${acc}[${part}]`;
      return acc === '' ? String(part) : `${acc}.${String(part)}`;
    }, prefix);
    return index === undefined
      ? { field: path || '(body)', message: issue.message }
      : { field: path || '(body)', message: issue.message, index };
  });
}
