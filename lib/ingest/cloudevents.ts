import { gunzipSync, inflateSync } from 'node:zlib';
import * as z from 'zod';
import { ZERO_TIME, type Alert, type AlertStatus, type LabelSet } from '../alert/alert.js';
import { rfc3339 } from '../alert/alert-schema.js';
import {
  MalformedBodyError,
  mediaType,
  PayloadTooLargeError,
  readJsonBody,
  UnsupportedMediaTypeError,
  type RawBody,
} from '../http/request-body.js';
import { buildAlert, toIssues, type IngestSource } from './alertmanager-webhook.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import { header, type HeaderMap } from '../http/headers.js';
import { looksLikeAuditBody, parseKubernetesAuditEvents, type KubernetesAuditSignal } from './kubernetes-audit.js';
import {
  detectKubernetesEventsBody,
  parseKubernetesEvents,
  type KubernetesEventSignal,
  type SignalParseOptions,
} from './kubernetes-events.js';
import { annotationsInput, isJsonObject, isWellFormedText, optionalTimestamp, oversizeIssue } from './label-validation.js';

/** The media type of one structured-mode CloudEvent. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
/** The media type of a batch of CloudEvents. */
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

/** A CloudEvents 1.0 event; extension attributes are kept apart from the context attributes. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  /** The payload when it is JSON (or text, in binary mode). */
  data?: unknown;
  /** The payload when it is binary, base64-encoded. */
  data_base64?: string;
  extensions: Record<string, unknown>;
}

/** How the request carried its events (CloudEvents HTTP binding). */
export type CloudEventsMode = 'structured' | 'batched' | 'binary';

/** The events of one request, and what was wrong with the rest. */
export interface ParsedCloudEvents {
  mode: CloudEventsMode;
  events: CloudEvent[];
  issues: FieldIssue[];
}

/** Request headers, any case; API Gateway lower-cases them but other callers may not. */

const CONTEXT_ATTRIBUTES = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'dataschema', 'data', 'data_base64']);

const nonEmpty = z.string().min(1, 'is required');
const structuredEventSchema = z
  .looseObject({
    specversion: z.literal('1.0', { error: 'must be "1.0"' }),
    id: nonEmpty,
    source: nonEmpty,
    type: nonEmpty,
    subject: z.string().optional(),
    time: rfc3339.optional(),
    datacontenttype: z.string().optional(),
    dataschema: z.string().optional(),
    data: z.unknown().optional(),
    data_base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64').optional(),
  })
  .refine((event) => !('data' in event && 'data_base64' in event), { message: 'data and data_base64 are mutually exclusive' });

/**
 * Which CloudEvents mode a request uses: the structured and batched media
 * types decide first; otherwise a `ce-specversion` header means binary mode.
 * Undefined when neither applies (see `readCloudEventsRequest` for plain JSON).
 */
export function cloudEventsMode(headers: HeaderMap): CloudEventsMode | undefined {
  const type = mediaType(header(headers, 'content-type'));
  if (type === CLOUDEVENTS_BATCH_JSON) return 'batched';
  if (type === CLOUDEVENTS_JSON) return 'structured';
  if (header(headers, 'ce-specversion') !== undefined) return 'binary';
  return undefined;
}

/**
 * Validates structured (one object) or batched (an array) CloudEvents JSON.
 * Invalid events of a batch are reported by index (`[2].id`) and skipped.
 */
export function parseCloudEvents(body: unknown, mode: 'structured' | 'batched'): ParsedCloudEvents {
  if (mode === 'batched' && !Array.isArray(body)) {
    throw new InvalidPayloadError('not a CloudEvents batch', [{ field: '(body)', message: 'must be a JSON array of CloudEvents' }]);
  }
  if (mode === 'structured' && !isJsonObject(body)) {
    throw new InvalidPayloadError('not a CloudEvent', [{ field: '(body)', message: 'must be a CloudEvent JSON object' }]);
  }
  const items: unknown[] = mode === 'batched' ? (body as unknown[]) : [body];
  const events: CloudEvent[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((raw, index) => {
    const parsed = structuredEventSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...(mode === 'batched' ? toIssues(parsed.error, `[${index}]`, index) : toIssues(parsed.error)));
      return;
    }
    events.push(toCloudEvent(raw as Record<string, unknown>));
  });
  return { mode, events, issues };
}

function toCloudEvent(raw: Record<string, unknown>): CloudEvent {
  const extensions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) if (!CONTEXT_ATTRIBUTES.has(name)) extensions[name] = value;
  const event: CloudEvent = {
    specversion: '1.0',
    id: raw.id as string,
    source: raw.source as string,
    type: raw.type as string,
    extensions,
  };
  for (const name of ['subject', 'time', 'datacontenttype', 'dataschema', 'data_base64'] as const) {
    if (typeof raw[name] === 'string') event[name] = raw[name] as string;
  }
  if ('data' in raw) event.data = raw.data;
  return event;
}

/**
 * Builds the event of a binary-mode request from its `ce-*` headers (values
 * percent-decoded, as the HTTP binding requires) and its data. Missing
 * required attributes are reported by header name.
 */
export function cloudEventFromBinary(headers: HeaderMap, data: { data?: unknown; data_base64?: string }): ParsedCloudEvents {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    const name = key.toLowerCase();
    if (name.startsWith('ce-') && name.length > 3 && value !== undefined) attributes[name.slice(3)] = percentDecode(value);
  }
  const issues: FieldIssue[] = [];
  if (attributes.specversion !== '1.0') issues.push({ field: 'ce-specversion', message: 'must be "1.0"' });
  for (const name of ['id', 'source', 'type'] as const) {
    if (!attributes[name]) issues.push({ field: `ce-${name}`, message: 'is required' });
  }
  if (attributes.time !== undefined && !rfc3339.safeParse(attributes.time).success) {
    issues.push({ field: 'ce-time', message: 'must be an RFC 3339 date-time' });
  }
  if (issues.length > 0) return { mode: 'binary', events: [], issues };
  const extensions: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) if (!CONTEXT_ATTRIBUTES.has(name)) extensions[name] = value;
  const event: CloudEvent = {
    specversion: '1.0',
    id: attributes.id!,
    source: attributes.source!,
    type: attributes.type!,
    extensions,
  };
  for (const name of ['subject', 'time', 'dataschema'] as const) if (attributes[name] !== undefined) event[name] = attributes[name];
  const contentType = header(headers, 'content-type');
  if (contentType !== undefined && contentType !== '') event.datacontenttype = contentType;
  if (data.data !== undefined) event.data = data.data;
  if (data.data_base64 !== undefined) event.data_base64 = data.data_base64;
  return { mode: 'binary', events: [event], issues: [] };
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** JSON media types: `application/json`, `text/json` and any `+json` suffix. */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

/**
 * Reads a CloudEvents request end to end: decodes the body (base64, gzip,
 * deflate, size limit, as `readJsonBody` does) and picks the mode.
 * - `application/cloudevents+json` / `application/cloudevents-batch+json`: structured / batched;
 * - a `ce-specversion` header: binary; JSON content types become `data`, `text/*`
 *   a string `data`, anything else `data_base64`; an empty body means no data;
 * - plain `application/json` without `ce-*` headers is accepted leniently, as
 *   many producers send structured events that way: an array is a batch, an
 *   object with `specversion` one event;
 * - anything else is UnsupportedMediaTypeError.
 */
export function readCloudEventsRequest(raw: RawBody, requestHeaders: HeaderMap, options: { limitBytes: number }): ParsedCloudEvents {
  // The body's content type is authoritative (API Gateway hands it over apart from the headers).
  const headers: Record<string, string | undefined> = { 'content-type': raw.contentType };
  for (const [key, value] of Object.entries(requestHeaders)) if (key.toLowerCase() !== 'content-type') headers[key] = value;
  const mode = cloudEventsMode(headers);
  const type = mediaType(raw.contentType);
  if (mode === 'structured' || mode === 'batched') {
    return parseCloudEvents(readJsonBody(raw, { limitBytes: options.limitBytes, acceptedTypes: [type] }), mode);
  }
  if (mode === 'binary') {
    const bytes = decodeBody(raw, options.limitBytes);
    if (bytes.length === 0) return cloudEventFromBinary(headers, {});
    if (isJsonMediaType(type)) {
      return cloudEventFromBinary(headers, { data: readJsonBody(raw, { limitBytes: options.limitBytes, acceptedTypes: [type] }) });
    }
    if (type.startsWith('text/')) {
      const decoded = bytes.toString('utf8');
      if (!isWellFormedText(decoded) || decoded.includes('\uFFFD')) return cloudEventFromBinary(headers, { data_base64: bytes.toString('base64') });
      return cloudEventFromBinary(headers, { data: decoded });
    }
    return cloudEventFromBinary(headers, { data_base64: bytes.toString('base64') });
  }
  if (type === 'application/json') {
    const body = readJsonBody(raw, { limitBytes: options.limitBytes, acceptedTypes: [type] });
    if (Array.isArray(body)) return parseCloudEvents(body, 'batched');
    if (isJsonObject(body) && 'specversion' in body) return parseCloudEvents(body, 'structured');
    throw new InvalidPayloadError('not a CloudEvent', [
      { field: '(body)', message: 'no ce-specversion header, and the body is neither a CloudEvent nor an array of them' },
    ]);
  }
  throw new UnsupportedMediaTypeError(type, [CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON, 'any type with ce-* headers (binary mode)']);
}

/** Base64, size and content-encoding handling for binary-mode data that is not JSON. */
function decodeBody(raw: RawBody, limitBytes: number): Buffer {
  let bytes = raw.body === undefined ? Buffer.alloc(0) : Buffer.from(raw.body, raw.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.length > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const encoding = (raw.contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || bytes.length === 0) return bytes;
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    throw new UnsupportedMediaTypeError(`content-encoding ${encoding}`, ['gzip', 'deflate']);
  }
  try {
    bytes = encoding === 'gzip' ? gunzipSync(bytes, { maxOutputLength: limitBytes + 1 }) : inflateSync(bytes, { maxOutputLength: limitBytes + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(limitBytes);
    throw new MalformedBodyError(`body is not valid ${encoding} data`);
  }
  if (bytes.length > limitBytes) throw new PayloadTooLargeError(limitBytes);
  return bytes;
}

/** What a set of CloudEvents became. */
export interface ClassifiedCloudEvents {
  alerts: Alert[];
  kubernetesEvents: KubernetesEventSignal[];
  auditEvents: KubernetesAuditSignal[];
  issues: FieldIssue[];
}

const cloudEventAlertDataSchema = z.looseObject({
  alertname: z.string().min(1).optional(),
  // May be empty: ce_source and ce_type give the alert its identity.
  labels: annotationsInput.nullable().optional(),
  annotations: annotationsInput.nullable().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  startsAt: optionalTimestamp,
  endsAt: optionalTimestamp,
  generatorURL: z.string().optional(),
});

/**
 * Turns CloudEvents into alerts or Kubernetes signals.
 *
 * The rule for Kubernetes payloads: an event whose data (a JSON object, or
 * data_base64 holding one) is shaped like an audit.k8s.io Event or EventList
 * becomes audit signals; one shaped like a Kubernetes Event, EventList or
 * exporter event (`involvedObject`, `regarding`, `items`) becomes event
 * signals; unless the data has `alertname` or `labels`, which say the producer
 * meant an alert. The `type` attribute is not consulted: producers name it
 * freely (Knative's ApiServerSource says `dev.knative.apiserver.resource.add`).
 * kube-eventer's `Event*` keys are not looked for here; no CloudEvents
 * producer sends them.
 *
 * Everything else becomes one alert: alertname from `data.alertname`, else
 * `data.labels.alertname`, else `type`; labels from `data.labels` plus
 * `ce_source` and `ce_type` (which win over same-named data labels);
 * annotations from `data.annotations`; data with none of `alertname`,
 * `labels` and `annotations` is described instead (see `foreignData`);
 * status from `data.status`, default
 * firing; startsAt from `data.startsAt`, else `time`, else now; endsAt from
 * `data.endsAt`, else the event time (or now) when resolved, else the zero time.
 * Issue fields are prefixed `[i].` for batches.
 */
export function classifyCloudEvents(
  events: readonly CloudEvent[],
  source: IngestSource,
  options: { now: Date; batched?: boolean } & SignalParseOptions,
): ClassifiedCloudEvents {
  const out: ClassifiedCloudEvents = { alerts: [], kubernetesEvents: [], auditEvents: [], issues: [] };
  events.forEach((event, index) => {
    const prefix = options.batched ? `[${index}].` : '';
    const withIndex = (issue: FieldIssue): FieldIssue =>
      options.batched ? { ...issue, field: `${prefix}${issue.field}`, index } : { field: issue.field, message: issue.message };
    const data = eventData(event);
    if ('issue' in data) {
      out.issues.push(withIndex({ field: 'data_base64', message: data.issue }));
      return;
    }
    const payload = data.value;
    const meantAsAlert = isJsonObject(payload) && ('alertname' in payload || 'labels' in payload);
    if (!meantAsAlert && looksLikeAuditBody(payload)) {
      const parsed = parseKubernetesAuditEvents(payload, options);
      out.auditEvents.push(...parsed.signals);
      out.issues.push(...parsed.issues.map((issue) => withIndex({ ...issue, field: dataField(issue.field) })));
      return;
    }
    if (!meantAsAlert && isKubernetesEventData(payload)) {
      const parsed = parseKubernetesEvents(payload, options);
      out.kubernetesEvents.push(...parsed.signals);
      out.issues.push(...parsed.issues.map((issue) => withIndex({ ...issue, field: dataField(issue.field) })));
      return;
    }
    const result = cloudEventAlert(event, payload, source, options.now);
    if ('alert' in result) out.alerts.push(result.alert);
    else out.issues.push(...result.issues.map(withIndex));
  });
  return out;
}

function dataField(field: string): string {
  if (field === '(body)') return 'data';
  return field.startsWith('[') ? `data${field}` : `data.${field}`;
}

function isKubernetesEventData(payload: unknown): boolean {
  const shape = detectKubernetesEventsBody(payload);
  return shape !== undefined && shape !== 'kube-eventer' && shape !== 'array';
}

function eventData(event: CloudEvent): { value: unknown } | { issue: string } {
  if (event.data_base64 === undefined) return { value: event.data };
  const type = mediaType(event.datacontenttype);
  if (!isJsonMediaType(type)) return { value: undefined };
  try {
    return { value: JSON.parse(Buffer.from(event.data_base64, 'base64').toString('utf8')) as unknown };
  } catch {
    return { issue: `does not hold valid JSON although datacontenttype is ${type}` };
  }
}

function cloudEventAlert(
  event: CloudEvent,
  payload: unknown,
  source: IngestSource,
  now: Date,
): { alert: Alert } | { issues: FieldIssue[] } {
  const dataObject = isJsonObject(payload) ? payload : {};
  // An alert's own fields say the producer meant an alert; a Workflow's `status` object does not.
  const alertShaped = ['alertname', 'labels', 'annotations', 'startsAt', 'endsAt'].some((key) => key in dataObject) || typeof dataObject.status === 'string';
  const parsed = cloudEventAlertDataSchema.safeParse(dataObject);
  // Other data is not ours to refuse: its fields are only described.
  if (!parsed.success && alertShaped) return { issues: toIssues(parsed.error, 'data') };
  const data: z.infer<typeof cloudEventAlertDataSchema> = parsed.success ? parsed.data : { startsAt: undefined, endsAt: undefined };
  const foreign = alertShaped ? undefined : foreignData(event, payload);
  const dataLabels: LabelSet = data.labels ?? foreign?.labels ?? {};
  const alertname = data.alertname ?? (dataLabels.alertname || event.type);
  for (const [field, value] of [['source', event.source], ['type', event.type], ['subject', event.subject ?? ''], ['data.alertname', alertname]] as const) {
    if (!isWellFormedText(value)) return { issues: [{ field, message: 'must be valid UTF-8' }] };
  }
  const labels: LabelSet = { ...dataLabels, alertname, ce_source: event.source, ce_type: event.type };
  const annotations: LabelSet = data.annotations ?? foreign?.annotations ?? {};
  const status: AlertStatus = data.status ?? 'firing';
  const eventTime = event.time !== undefined && !Number.isNaN(Date.parse(event.time)) ? event.time : undefined;
  const fallbackEnd = status === 'resolved' ? (eventTime ?? now.toISOString()) : ZERO_TIME;
  const endsAt = data.endsAt ?? fallbackEnd;
  let startsAt = data.startsAt ?? eventTime ?? now.toISOString();
  if (endsAt !== ZERO_TIME && Date.parse(startsAt) > Date.parse(endsAt)) {
    if (data.startsAt !== undefined) return { issues: [{ field: 'data.startsAt', message: 'start time must be before end time' }] };
    startsAt = endsAt;
  }
  const alert = buildAlert(
    { labels, annotations, status, startsAt, endsAt, generatorURL: data.generatorURL ?? '' },
    source,
    'cloudevent',
  );
  const tooLarge = oversizeIssue(alert, 'data');
  return tooLarge === undefined ? { alert } : { issues: [tooLarge] };
}

const MAX_DESCRIBED_FIELDS = 20;
const MAX_FIELD_TEXT = 200;
const MAX_DESCRIPTION = 2000;

/**
 * What an event whose data is not alert-shaped (Argo, Jenkins, Tekton: no
 * `labels`, `annotations`, `alertname`, times or status text) still says. Labels name the object
 * when the event does: the `subject` attribute, and `namespace`, `name` and
 * `kind` at the top of the data or in its Kubernetes `metadata`. Annotations
 * make it readable: its own `summary`/`message`/`description` text, else a
 * summary from type, source and subject, and a description listing the other
 * scalar fields (`build.status: FAILURE; build.number: 3`).
 */
function foreignData(event: CloudEvent, payload: unknown): { labels: LabelSet; annotations: LabelSet } {
  const labels: LabelSet = {};
  const annotations: LabelSet = {};
  const put = (target: LabelSet, name: string, value: unknown, max: number) => {
    if (typeof value === 'string' && value.trim() !== '' && isWellFormedText(value) && target[name] === undefined) target[name] = cut(value.trim(), max);
  };
  if (event.subject !== undefined) put(labels, 'ce_subject', event.subject, 253);
  if (typeof payload === 'string') put(annotations, 'summary', payload, MAX_DESCRIPTION);
  if (isJsonObject(payload)) {
    const metadata = isJsonObject(payload.metadata) ? payload.metadata : {};
    for (const name of ['namespace', 'name'] as const) {
      put(labels, name, metadata[name], 253);
      put(labels, name, payload[name], 253);
    }
    put(labels, 'kind', payload.kind, 253);
    for (const name of ['summary', 'message', 'description'] as const) put(annotations, name, payload[name], MAX_DESCRIPTION);
    const described = scalarFields(payload, '', 0)
      .filter(([path]) => !['summary', 'message', 'description', 'namespace', 'name', 'kind'].includes(path) && !path.startsWith('metadata.'))
      .slice(0, MAX_DESCRIBED_FIELDS)
      .map(([path, value]) => `${path}: ${cut(value, MAX_FIELD_TEXT)}`);
    if (described.length > 0 && annotations.description === undefined) annotations.description = cut(described.join('; '), MAX_DESCRIPTION);
  }
  if (annotations.summary === undefined && annotations.message === undefined) {
    annotations.summary = `${event.type} from ${event.source}${event.subject === undefined || event.subject === '' ? '' : ` (${event.subject})`}`;
  }
  return { labels, annotations };
}

/** Dotted paths and text of the scalar leaves, depth first, in the sender's order; arrays are skipped. */
function scalarFields(value: Record<string, unknown>, prefix: string, depth: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, item] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof item === 'string' ? item !== '' && isWellFormedText(item) : typeof item === 'number' || typeof item === 'boolean') {
      out.push([path, String(item)]);
    } else if (isJsonObject(item) && depth < 3) {
      out.push(...scalarFields(item, path, depth + 1));
    }
    if (out.length > MAX_DESCRIBED_FIELDS * 2) break;
  }
  return out;
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never split a surrogate pair: half of one is not storable text.
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}…`;
}
