import * as z from 'zod';
import { toIssues } from './alertmanager-webhook.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import {
  DEFAULT_MAX_SIGNAL_BYTES,
  type ParsedSignals,
  type SignalParseOptions,
} from './kubernetes-events.js';
import { isJsonObject, kubernetesMapInput } from './label-validation.js';

/** Who made a request, as the API server authenticated them. */
export interface AuditUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  [field: string]: unknown;
}

/**
 * One `audit.k8s.io/v1` Event in its wire (camelCase) form, every field kept as
 * sent; `apiVersion` and `kind` are filled in for items of a list, which the
 * API server sends without them.
 */
export interface KubernetesAuditEvent {
  apiVersion: string;
  kind: string;
  level?: 'None' | 'Metadata' | 'Request' | 'RequestResponse';
  auditID: string;
  stage: 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';
  requestURI: string;
  verb: string;
  user: AuditUserInfo;
  impersonatedUser?: AuditUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: Record<string, unknown>;
  responseStatus?: Record<string, unknown>;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** An audit event on its way to the filter stage (plain JSON). */
export interface KubernetesAuditSignal {
  kind: 'kubernetes-audit';
  /** `objectRef.namespace`, '' for cluster-scoped and non-resource requests. */
  namespace: string;
  event: KubernetesAuditEvent;
}

const optionalText = z.string().optional();
const userInfoSchema = z.looseObject({
  username: optionalText,
  uid: optionalText,
  groups: z.array(z.string()).nullable().optional(),
  extra: z.record(z.string(), z.array(z.string()).nullable()).nullable().optional(),
});

const auditEventSchema = z.looseObject({
  level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']).optional(),
  auditID: z.string().min(1),
  stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
  requestURI: z.string().min(1),
  verb: z.string().min(1),
  user: userInfoSchema,
  impersonatedUser: userInfoSchema.nullable().optional(),
  sourceIPs: z.array(z.string()).nullable().optional(),
  userAgent: optionalText,
  objectRef: z
    .looseObject({
      resource: optionalText,
      namespace: optionalText,
      name: optionalText,
      uid: optionalText,
      apiGroup: optionalText,
      apiVersion: optionalText,
      resourceVersion: optionalText,
      subresource: optionalText,
    })
    .nullable()
    .optional(),
  responseStatus: z.looseObject({ code: z.number().int().optional() }).nullable().optional(),
  requestReceivedTimestamp: optionalText,
  stageTimestamp: optionalText,
  annotations: kubernetesMapInput.nullable().optional(),
});

const SUPPORTED_API_VERSION = 'audit.k8s.io/v1';

/**
 * True for what the API server's audit webhook backend sends: an
 * `audit.k8s.io/*` object, or (without apiVersion) an object with `auditID`,
 * `stage` and `verb`, or an `items` list whose first item is one of those.
 */
export function looksLikeAuditBody(body: unknown): boolean {
  if (!isJsonObject(body)) return false;
  if (typeof body.apiVersion === 'string') return body.apiVersion.startsWith('audit.k8s.io/');
  if (Array.isArray(body.items)) return body.items.length > 0 && looksLikeAuditBody(body.items[0]);
  return typeof body.auditID === 'string' && typeof body.stage === 'string' && typeof body.verb === 'string';
}

/**
 * Parses what the API server's webhook audit backend POSTs: an
 * `audit.k8s.io/v1` EventList (batch mode, the default) or a single Event
 * (blocking mode sends a list of one, but tools replaying one event send it
 * bare). Required fields per item: auditID, stage, verb, requestURI, user;
 * known fields are type-checked; every field is kept. Invalid items are
 * reported by index (`items[3].verb`) and skipped. Other API versions are
 * refused, since v1beta1 names its fields differently.
 */
export function parseKubernetesAuditEvents(body: unknown, options: SignalParseOptions = {}): ParsedSignals<KubernetesAuditSignal> {
  if (!isJsonObject(body)) {
    throw new InvalidPayloadError('not an audit.k8s.io payload', [
      { field: '(body)', message: 'must be an audit.k8s.io/v1 EventList or Event object' },
    ]);
  }
  if (body.apiVersion !== undefined && body.apiVersion !== SUPPORTED_API_VERSION) {
    throw new InvalidPayloadError('unsupported audit API version', [
      { field: 'apiVersion', message: `must be "${SUPPORTED_API_VERSION}", got ${JSON.stringify(body.apiVersion)}` },
    ]);
  }
  const maxBytes = options.maxSignalBytes ?? DEFAULT_MAX_SIGNAL_BYTES;
  const signals: KubernetesAuditSignal[] = [];
  const issues: FieldIssue[] = [];
  const isList = body.kind === 'EventList' || 'items' in body;
  if (!isList) {
    if (!looksLikeAuditBody(body)) {
      throw new InvalidPayloadError('not an audit.k8s.io payload', [
        { field: '(body)', message: 'expected an audit EventList (items) or an audit Event (auditID, stage, verb)' },
      ]);
    }
    const result = parseAuditItem(body, '', undefined, maxBytes);
    if ('signal' in result) signals.push(result.signal);
    else issues.push(...result.issues);
    return { signals, issues };
  }
  if (body.items === null || body.items === undefined) return { signals, issues };
  if (!Array.isArray(body.items)) {
    throw new InvalidPayloadError('not an audit.k8s.io payload', [{ field: 'items', message: 'must be an array of audit events' }]);
  }
  body.items.forEach((item: unknown, index) => {
    const result = parseAuditItem(item, `items[${index}]`, index, maxBytes);
    if ('signal' in result) signals.push(result.signal);
    else issues.push(...result.issues);
  });
  return { signals, issues };
}

function parseAuditItem(
  raw: unknown,
  prefix: string,
  index: number | undefined,
  maxBytes: number,
): { signal: KubernetesAuditSignal } | { issues: FieldIssue[] } {
  const issue = (message: string): FieldIssue =>
    index === undefined ? { field: prefix || '(body)', message } : { field: prefix, message, index };
  if (!isJsonObject(raw)) return { issues: [issue('must be an audit Event object')] };
  if (raw.apiVersion !== undefined && raw.apiVersion !== SUPPORTED_API_VERSION) {
    return { issues: [issue(`apiVersion must be "${SUPPORTED_API_VERSION}"`)] };
  }
  const parsed = auditEventSchema.safeParse(raw);
  if (!parsed.success) return { issues: toIssues(parsed.error, prefix, index) };
  const event = { ...raw, apiVersion: SUPPORTED_API_VERSION, kind: 'Event' } as KubernetesAuditEvent;
  const objectRef = isJsonObject(raw.objectRef) ? raw.objectRef : {};
  const signal: KubernetesAuditSignal = {
    kind: 'kubernetes-audit',
    namespace: typeof objectRef.namespace === 'string' ? objectRef.namespace : '',
    event,
  };
  const size = Buffer.byteLength(JSON.stringify(signal));
  if (size > maxBytes) return { issues: [issue(`audit event is too large to queue: ${size} bytes, limit ${maxBytes}`)] };
  return { signal };
}
