import * as z from 'zod';
import { ZERO_TIME, type Alert } from '../alert/alert.js';
import { buildAlert, toIssues, type IngestSource, type ParsedBatch } from './alertmanager-webhook.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import { annotationsInput, isJsonObject, labelsInput, optionalTimestamp, oversizeIssue } from './label-validation.js';

const genericAlertSchema = z.object({
  labels: labelsInput,
  annotations: annotationsInput.nullable().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  startsAt: optionalTimestamp,
  endsAt: optionalTimestamp,
  generatorURL: z.string().nullable().optional(),
});

/**
 * Parses generic JSON alerts posted by scripts: one object or an array of
 * `{labels, annotations?, status?, startsAt?, endsAt?, generatorURL?}`.
 *
 * Scripts rarely know an end time, so unlike Alertmanager's API nothing
 * resolves on its own: an explicit `status` wins; without one, an endsAt at or
 * before now means resolved, anything else firing. A firing alert without
 * endsAt gets the zero time (no known end); a resolved one without endsAt ends
 * now. startsAt defaults to now (or to endsAt when that is earlier).
 * Field paths are `labels.x` for a single object and `[i].labels.x` in an array.
 */
export function parseGenericAlerts(body: unknown, source: IngestSource, options: { now: Date }): ParsedBatch {
  const single = isJsonObject(body);
  if (!single && !Array.isArray(body)) {
    throw new InvalidPayloadError('not a generic alert payload', [
      { field: '(body)', message: 'must be an alert object or an array of alert objects' },
    ]);
  }
  const items: unknown[] = single ? [body] : (body as unknown[]);
  const nowMs = options.now.getTime();
  const alerts: Alert[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((raw, index) => {
    const prefix = single ? '' : `[${index}]`;
    const report = (field: string, message: string) =>
      issues.push(single ? { field, message } : { field: `${prefix}.${field}`, message, index });
    const parsed = genericAlertSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, prefix, single ? undefined : index));
      return;
    }
    const item = parsed.data;
    const status = item.status ?? (item.endsAt !== undefined && Date.parse(item.endsAt) <= nowMs ? 'resolved' : 'firing');
    const endsAt = item.endsAt ?? (status === 'resolved' ? options.now.toISOString() : ZERO_TIME);
    const hasEnd = endsAt !== ZERO_TIME;
    const startsAt = item.startsAt ?? (hasEnd && Date.parse(endsAt) < nowMs ? endsAt : options.now.toISOString());
    if (hasEnd && Date.parse(startsAt) > Date.parse(endsAt)) {
      report('startsAt', 'start time must be before end time');
      return;
    }
    const alert = buildAlert(
      {
        labels: item.labels,
        annotations: item.annotations ?? {},
        status,
        startsAt,
        endsAt,
        generatorURL: item.generatorURL ?? '',
      },
      source,
      'generic',
    );
    const tooLarge = oversizeIssue(alert, prefix, single ? undefined : index);
    if (tooLarge === undefined) alerts.push(alert);
    else issues.push(tooLarge);
  });
  return { alerts, issues };
}
