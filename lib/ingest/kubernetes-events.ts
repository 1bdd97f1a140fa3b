import * as z from 'zod';
import { MAX_MESSAGE_BYTES } from '../pipeline/queue.js';
import { toIssues } from './alertmanager-webhook.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import { isJsonObject, kubernetesMapInput } from './label-validation.js';

/** Which sender's shape an event arrived in; kept so the filter stage and history can tell. */
export type KubernetesEventFormat = 'core/v1' | 'events.k8s.io/v1' | 'event-exporter' | 'kube-eventer';

/**
 * The object an event is about, in core/v1 `ObjectReference` shape with zero
 * values filled in. kubernetes-event-exporter adds the object's `labels`,
 * `annotations`, `ownerReferences` and `deleted`; they are kept when sent.
 */
export interface KubernetesObjectReference {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion: string;
  fieldPath: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: unknown[];
  deleted?: boolean;
  [field: string]: unknown;
}

/**
 * One Kubernetes event in core/v1 shape, whatever it arrived as. Every field the
 * sender sent is kept (events.k8s.io/v1's `regarding`, `note`, `series`, the
 * exporter's `clusterName`, kube-eventer's `EventReason`, ...) and the core/v1
 * fields are filled in, with zero values where unknown, so that rules written
 * for kube-events (`involvedObject.fieldPath=""`) keep their meaning.
 */
export interface KubernetesEvent {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; [field: string]: unknown };
  involvedObject: KubernetesObjectReference;
  reason: string;
  message: string;
  type: string;
  /** How often the event happened; 1 when the sender does not say. */
  count: number;
  source: { component: string; host: string; [field: string]: unknown };
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  eventTime: string | null;
  reportingComponent: string;
  reportingInstance: string;
  action: string;
  [field: string]: unknown;
}

/** A Kubernetes event on its way to the filter stage (plain JSON). */
export interface KubernetesEventSignal {
  kind: 'kubernetes-event';
  format: KubernetesEventFormat;
  /**
   * The namespace of the object the event is about, '' for cluster-scoped
   * objects. See `eventNamespace` for why not the Event's own namespace.
   */
  namespace: string;
  event: KubernetesEvent;
}

/** The outcome of parsing an events body: the signals to keep and what was wrong with the rest. */
export interface ParsedSignals<S> {
  signals: S[];
  issues: FieldIssue[];
}

/** Options shared by the signal parsers. */
export interface SignalParseOptions {
  /**
   * Largest serialized signal accepted. A bigger one could never be queued,
   * so it is reported to the sender instead of failing the whole request.
   */
  maxSignalBytes?: number;
}

/** Room left in a queue message for the batch envelope around one signal. */
export const DEFAULT_MAX_SIGNAL_BYTES = MAX_MESSAGE_BYTES - 4 * 1024;

/** The body shapes `parseKubernetesEvents` recognises. */
export type KubernetesEventsBodyShape = 'event-list' | 'array' | KubernetesEventFormat;

const KUBE_EVENTER_KEYS = ['EventType', 'EventKind', 'EventReason', 'EventTime', 'EventMessage'] as const;

/**
 * Tells which events body this is, from its shape alone (senders do not label
 * their bodies), or undefined when it is none of them:
 * - an array, or an object with `kind: "EventList"` or an `items` array (and no
 *   audit.k8s.io apiVersion): a list, each item detected on its own;
 * - `regarding` object, or apiVersion `events.k8s.io/*`: events.k8s.io/v1;
 * - `involvedObject` object carrying `labels`, `annotations`, `ownerReferences`
 *   or `deleted`, or a top-level `clusterName`: kubernetes-event-exporter;
 * - `involvedObject` object otherwise: core/v1;
 * - any of kube-eventer's `EventType`/`EventKind`/`EventReason`/`EventTime`/
 *   `EventMessage` keys: kube-eventer's webhook body.
 */
export function detectKubernetesEventsBody(body: unknown): KubernetesEventsBodyShape | undefined {
  if (Array.isArray(body)) return 'array';
  if (!isJsonObject(body)) return undefined;
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  if (apiVersion.startsWith('audit.k8s.io/')) return undefined;
  if (body.kind === 'EventList' || Array.isArray(body.items)) return 'event-list';
  return detectEventItem(body);
}

function detectEventItem(item: Record<string, unknown>): KubernetesEventFormat | undefined {
  const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : '';
  if (apiVersion.startsWith('audit.k8s.io/')) return undefined;
  if (isJsonObject(item.regarding) || apiVersion.startsWith('events.k8s.io/')) return 'events.k8s.io/v1';
  if (isJsonObject(item.involvedObject)) {
    const involved = item.involvedObject;
    const enhanced = ['labels', 'annotations', 'ownerReferences', 'deleted'].some((key) => key in involved);
    return enhanced || 'clusterName' in item ? 'event-exporter' : 'core/v1';
  }
  if (KUBE_EVENTER_KEYS.some((key) => key in item)) return 'kube-eventer';
  return undefined;
}

const text = z.string().nullable().optional();
const timestamp = z.string().nullable().optional();

const objectReferenceSchema = z.looseObject({
  kind: text,
  namespace: text,
  name: text,
  uid: text,
  apiVersion: text,
  resourceVersion: text,
  fieldPath: text,
  labels: kubernetesMapInput.nullable().optional(),
  annotations: kubernetesMapInput.nullable().optional(),
  ownerReferences: z.array(z.unknown()).nullable().optional(),
  deleted: z.boolean().optional(),
});

const metadataSchema = z.looseObject({ name: text, namespace: text });
const sourceSchema = z.looseObject({ component: text, host: text });
const count = z.number().int().nonnegative().nullable().optional();

const coreEventSchema = z.looseObject({
  apiVersion: text,
  kind: text,
  metadata: metadataSchema.nullable().optional(),
  involvedObject: objectReferenceSchema,
  reason: text,
  message: text,
  type: text,
  count,
  source: sourceSchema.nullable().optional(),
  firstTimestamp: timestamp,
  lastTimestamp: timestamp,
  eventTime: timestamp,
  reportingComponent: text,
  reportingInstance: text,
  action: text,
});

const eventsV1Schema = z.looseObject({
  apiVersion: text,
  kind: text,
  metadata: metadataSchema.nullable().optional(),
  regarding: objectReferenceSchema.nullable().optional(),
  involvedObject: objectReferenceSchema.optional(),
  reason: text,
  note: text,
  type: text,
  action: text,
  eventTime: timestamp,
  series: z.looseObject({ count, lastObservedTime: timestamp }).nullable().optional(),
  reportingController: text,
  reportingInstance: text,
  deprecatedSource: sourceSchema.nullable().optional(),
  deprecatedFirstTimestamp: timestamp,
  deprecatedLastTimestamp: timestamp,
  deprecatedCount: count,
});

const kubeEventerSchema = z.looseObject({
  EventType: text,
  EventKind: text,
  EventReason: text,
  EventTime: text,
  EventMessage: text,
  // Not in kube-eventer's default body; accepted from custom templates that add them.
  EventNamespace: text,
  EventObject: text,
});

/**
 * Parses a Kubernetes events body into signals: a core/v1 or events.k8s.io/v1
 * Event, an EventList (or JSON array) of either, kubernetes-event-exporter's
 * enhanced event (its default layout, i.e. no `layout` configured) or
 * kube-eventer's webhook body (its default template, or a custom one that
 * renders a core/v1 Event or the same `Event*` keys). The shape decides the
 * format (see `detectKubernetesEventsBody`); an unknown shape throws
 * InvalidPayloadError, a bad item in a list is reported by index and skipped.
 */
export function parseKubernetesEvents(body: unknown, options: SignalParseOptions = {}): ParsedSignals<KubernetesEventSignal> {
  const shape = detectKubernetesEventsBody(body);
  if (shape === undefined) {
    throw new InvalidPayloadError('not a Kubernetes event payload', [{ field: '(body)', message: unknownShapeMessage(body) }]);
  }
  const maxBytes = options.maxSignalBytes ?? DEFAULT_MAX_SIGNAL_BYTES;
  const signals: KubernetesEventSignal[] = [];
  const issues: FieldIssue[] = [];
  if (shape === 'array' || shape === 'event-list') {
    const items: unknown[] = shape === 'array' ? (body as unknown[]) : listItems(body as Record<string, unknown>, issues);
    const prefix = shape === 'array' ? '' : 'items';
    items.forEach((item, index) => {
      const result = parseEventItem(item, `${prefix}[${index}]`, index, maxBytes);
      if ('signal' in result) signals.push(result.signal);
      else issues.push(...result.issues);
    });
  } else {
    const result = parseEventItem(body, '', undefined, maxBytes);
    if ('signal' in result) signals.push(result.signal);
    else issues.push(...result.issues);
  }
  return { signals, issues };
}

function listItems(list: Record<string, unknown>, issues: FieldIssue[]): unknown[] {
  if (Array.isArray(list.items)) return list.items;
  // `"items": null` is how Go encodes an empty list.
  if (list.items !== null && list.items !== undefined) issues.push({ field: 'items', message: 'must be an array of events' });
  return [];
}

type ItemResult<S> = { signal: S } | { issues: FieldIssue[] };

function parseEventItem(raw: unknown, prefix: string, index: number | undefined, maxBytes: number): ItemResult<KubernetesEventSignal> {
  const at = (field: string) => (prefix === '' ? field : `${prefix}.${field}`);
  const issue = (field: string, message: string): FieldIssue =>
    index === undefined ? { field, message } : { field, message, index };
  if (!isJsonObject(raw)) return { issues: [issue(prefix || '(body)', 'must be a Kubernetes Event object')] };
  const format = detectEventItem(raw);
  if (format === undefined) return { issues: [issue(prefix || '(body)', unknownShapeMessage(raw))] };
  const schema = format === 'events.k8s.io/v1' ? eventsV1Schema : format === 'kube-eventer' ? kubeEventerSchema : coreEventSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { issues: toIssues(parsed.error, prefix, index) };
  const event = format === 'kube-eventer' ? fromKubeEventer(raw) : normalizeEvent(raw);
  if (event === undefined) return { issues: [issue(at('EventTime'), 'must be a Go or RFC 3339 time')] };
  const signal: KubernetesEventSignal = { kind: 'kubernetes-event', format, namespace: eventNamespace(raw, event), event };
  const size = Buffer.byteLength(JSON.stringify(signal));
  if (size > maxBytes) return { issues: [issue(prefix || '(body)', `event is too large to queue: ${size} bytes, limit ${maxBytes}`)] };
  return { signal };
}

/**
 * The namespace a signal belongs to, which decides the tenants that may see
 * it: the involved object's namespace, as kube-events uses. Events about
 * cluster-scoped objects (a Node) are stored in `default` but are cluster-level,
 * so the Event's own `metadata.namespace` is used only when the sender gave no
 * object reference at all (kube-eventer's default body has none).
 */
function eventNamespace(raw: Record<string, unknown>, event: KubernetesEvent): string {
  const hasReference = isJsonObject(raw.involvedObject) || isJsonObject(raw.regarding) || typeof raw.EventNamespace === 'string';
  return hasReference || event.involvedObject.name !== '' ? event.involvedObject.namespace : event.metadata.namespace;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function timeOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

const REFERENCE_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

function objectReference(value: unknown): KubernetesObjectReference {
  const raw = isJsonObject(value) ? value : {};
  const reference: Record<string, unknown> = { ...raw };
  for (const field of REFERENCE_FIELDS) reference[field] = str(raw[field]);
  // Go writes empty maps and slices as null; rules expect objects and arrays.
  for (const field of ['labels', 'annotations'] as const) if (raw[field] === null) reference[field] = {};
  if (raw.ownerReferences === null) reference.ownerReferences = [];
  return reference as KubernetesObjectReference;
}

/** core/v1, exporter and events.k8s.io/v1 events onto one core/v1 shape; originals stay. */
function normalizeEvent(raw: Record<string, unknown>): KubernetesEvent {
  const metadata = isJsonObject(raw.metadata) ? raw.metadata : {};
  const series = isJsonObject(raw.series) ? raw.series : {};
  const sourceRaw = isJsonObject(raw.source) ? raw.source : isJsonObject(raw.deprecatedSource) ? raw.deprecatedSource : {};
  const involved = isJsonObject(raw.involvedObject) ? raw.involvedObject : raw.regarding;
  // events.k8s.io/v1 counts a single occurrence as no count at all.
  const count = Math.max(positive(raw.count) ?? 0, positive(raw.deprecatedCount) ?? 0, positive(series.count) ?? 0) || 1;
  return {
    ...raw,
    apiVersion: str(raw.apiVersion) || 'v1',
    kind: str(raw.kind) || 'Event',
    metadata: { ...metadata, name: str(metadata.name), namespace: str(metadata.namespace) },
    involvedObject: objectReference(involved),
    reason: str(raw.reason),
    message: str(raw.message) || str(raw.note),
    type: str(raw.type),
    count,
    source: { ...sourceRaw, component: str(sourceRaw.component), host: str(sourceRaw.host) },
    firstTimestamp: timeOrNull(raw.firstTimestamp) ?? timeOrNull(raw.deprecatedFirstTimestamp),
    lastTimestamp:
      timeOrNull(raw.lastTimestamp) ?? timeOrNull(raw.deprecatedLastTimestamp) ?? timeOrNull(series.lastObservedTime),
    eventTime: timeOrNull(raw.eventTime),
    reportingComponent: str(raw.reportingComponent) || str(raw.reportingController),
    reportingInstance: str(raw.reportingInstance),
    action: str(raw.action),
  };
}

/**
 * kube-eventer's webhook body: `{EventType, EventKind, EventReason, EventTime,
 * EventMessage}` rendered by Go's text/template, so EventTime is Go's
 * `time.Time` string and the message has had its double quotes stripped.
 * Returns undefined when EventTime is not a time at all.
 */
function fromKubeEventer(raw: Record<string, unknown>): KubernetesEvent | undefined {
  const time = raw.EventTime === undefined || raw.EventTime === null ? null : parseGoTime(str(raw.EventTime));
  if (time === undefined) return undefined;
  const named = str(raw.EventObject) !== '' ? { name: str(raw.EventObject), namespace: str(raw.EventNamespace) } : podNamedIn(raw);
  const namespace = named.namespace || str(raw.EventNamespace);
  return {
    ...raw,
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: '', namespace },
    involvedObject: objectReference({ kind: raw.EventKind, namespace, name: named.name }),
    reason: str(raw.EventReason),
    message: str(raw.EventMessage),
    type: str(raw.EventType),
    count: 1,
    source: { component: '', host: '' },
    firstTimestamp: null,
    lastTimestamp: time,
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    action: '',
  };
}

// The kubelet's pod format, `<name>_<namespace>(<uid>)`, as in "Back-off restarting failed container web in pod web-7d9c6b5f4-x2k8p_shop(0a1b…)".
const KUBELET_POD = /\bpod ([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)_([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\([0-9a-f-]{36}\)/;

/**
 * kube-eventer's default body names neither the object nor its namespace; a
 * Pod event whose message names its pod the kubelet's way still says which.
 */
function podNamedIn(raw: Record<string, unknown>): { name: string; namespace: string } {
  const kind = str(raw.EventKind);
  const match = kind === 'Pod' ? KUBELET_POD.exec(str(raw.EventMessage)) : null;
  return match === null ? { name: '', namespace: '' } : { name: match[1]!, namespace: match[2]! };
}

// Go's time.Time.String(): "2024-05-14 08:09:47.123 +0000 UTC", maybe with a monotonic clock suffix.
const GO_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,9})? ([+-]\d{2})(\d{2})(?: [A-Za-z0-9+-]+)?(?: m=[+-]\d+(?:\.\d+)?)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Converts Go's time string to RFC 3339. '' and Go's zero time mean "unset"
 * (null); an RFC 3339 value (from a custom template) is taken as is;
 * anything else is undefined.
 */
export function parseGoTime(value: string): string | null | undefined {
  if (value === '') return null;
  let rfc3339: string | undefined;
  if (RFC3339.test(value)) rfc3339 = value;
  const match = GO_TIME.exec(value);
  if (match !== null) {
    const [, date, clock, fraction = '', hours, minutes] = match;
    const offset = hours === '+00' && minutes === '00' ? 'Z' : `${hours}:${minutes}`;
    rfc3339 = `${date}T${clock}${fraction}${offset}`;
  }
  if (rfc3339 === undefined || Number.isNaN(Date.parse(rfc3339))) return undefined;
  return rfc3339.startsWith('0001-01-01T') ? null : rfc3339;
}

function unknownShapeMessage(body: unknown): string {
  if (!isJsonObject(body) && !Array.isArray(body)) {
    return 'must be a Kubernetes Event, an EventList, or a JSON array of events';
  }
  if (isJsonObject(body) && typeof body.apiVersion === 'string' && body.apiVersion.startsWith('audit.k8s.io/')) {
    return 'this is an audit.k8s.io payload; send it to the audit endpoint';
  }
  return (
    'unrecognised event shape: expected a core/v1 or events.k8s.io/v1 Event (involvedObject or regarding), ' +
    'an EventList (items), kubernetes-event-exporter JSON without a custom layout, or kube-eventer JSON (EventReason, EventKind, ...)'
  );
}
