/**
 * Normalizes what clusters send into the documents rules are written
 * against: core/v1 Events (events.k8s.io/v1 fields aliased onto them,
 * kubernetes-event-exporter's enhanced events as they are) and audit.k8s.io
 * Events in their wire (camelCase) form.
 */
import { SignalShapeError } from './errors.js';
import type { EventDocument } from './evaluator.js';

/** Which kind of input a rule applies to. */
export type SignalType = 'event' | 'audit';

/** A normalized input, ready for rule evaluation. */
export interface Signal {
  readonly type: SignalType;
  readonly doc: EventDocument;
  /**
   * The namespace the signal belongs to, '' for cluster-level ones. Decides
   * which tenants' rules may see it. Events use `involvedObject.namespace`
   * (as kube-events does), so a Node's event is cluster-level even though
   * the Event object lives in "default"; audit events use `objectRef.namespace`.
   */
  readonly namespace: string;
}

type Json = Record<string, unknown>;

// Signals made by normalizeSignal. Evaluation trusts a signal's namespace, so
// an object merely shaped like a Signal (say, a forged request body) is
// normalized again rather than believed.
const normalized = new WeakSet<object>();

/** True for a Signal returned by normalizeSignal. */
export function isNormalizedSignal(value: unknown): value is Signal {
  return typeof value === 'object' && value !== null && normalized.has(value);
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** True for an audit.k8s.io Event (not an EventList: split lists before normalizing). */
export function isAuditEvent(raw: Json): boolean {
  const apiVersion = str(raw.apiVersion);
  if (apiVersion.startsWith('audit.k8s.io/')) return raw.kind !== 'EventList';
  return typeof raw.auditID === 'string' && typeof raw.verb === 'string' && typeof raw.stage === 'string';
}

// Zero values kube-events sees through reflection, so that kube-events rules
// such as `involvedObject.fieldPath=""` (PodFailed) keep their meaning.
const EVENT_STRING_FIELDS = ['type', 'reason', 'message', 'action', 'reportingComponent', 'reportingInstance'] as const;
const OBJECT_REFERENCE_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

function withDefaults(value: unknown, fields: readonly string[]): Json {
  const out: Json = isRecord(value) ? { ...value } : {};
  for (const field of fields) if (out[field] === undefined || out[field] === null) out[field] = '';
  return out;
}

function normalizeKubernetesEvent(raw: Json): Signal {
  const doc: Json = { ...raw };
  const metadata = isRecord(raw.metadata) ? raw.metadata : {};
  // events.k8s.io/v1 names onto the core/v1 ones; the originals stay addressable.
  if (doc.involvedObject === undefined && isRecord(raw.regarding)) doc.involvedObject = raw.regarding;
  if (doc.message === undefined && typeof raw.note === 'string') doc.message = raw.note;
  if (doc.reportingComponent === undefined && typeof raw.reportingController === 'string') doc.reportingComponent = raw.reportingController;
  if (doc.source === undefined && isRecord(raw.deprecatedSource)) doc.source = raw.deprecatedSource;
  if (doc.firstTimestamp === undefined || doc.firstTimestamp === null) doc.firstTimestamp = raw.deprecatedFirstTimestamp ?? null;
  if (doc.lastTimestamp === undefined || doc.lastTimestamp === null) {
    const series = isRecord(raw.series) ? raw.series : {};
    doc.lastTimestamp = raw.deprecatedLastTimestamp ?? series.lastObservedTime ?? null;
  }
  const seriesCount = isRecord(raw.series) && typeof raw.series.count === 'number' ? raw.series.count : undefined;
  const coreCount = typeof raw.count === 'number' ? raw.count : typeof raw.deprecatedCount === 'number' ? raw.deprecatedCount : undefined;
  // A single occurrence has no count in events.k8s.io/v1; it happened once.
  doc.count = Math.max(seriesCount ?? 0, coreCount ?? 0) || 1;
  for (const field of EVENT_STRING_FIELDS) if (typeof doc[field] !== 'string') doc[field] = '';
  const hasInvolved = isRecord(doc.involvedObject);
  doc.involvedObject = withDefaults(doc.involvedObject, OBJECT_REFERENCE_FIELDS);
  doc.source = withDefaults(doc.source, ['component', 'host']);
  const involved = doc.involvedObject as Json;
  const namespace = hasInvolved ? str(involved.namespace) : str(metadata.namespace);
  return { type: 'event', doc, namespace };
}

function normalizeAuditEvent(raw: Json): Signal {
  // kube-auditing flattens the JSON with omitempty fields absent, so no zero values are added.
  const objectRef = isRecord(raw.objectRef) ? raw.objectRef : {};
  return { type: 'audit', doc: { ...raw }, namespace: str(objectRef.namespace) };
}

/** Normalizes one Kubernetes Event or audit Event; throws SignalShapeError for anything else. */
export function normalizeSignal(raw: unknown): Signal {
  if (!isRecord(raw)) throw new SignalShapeError('A signal must be a JSON object');
  if (raw.kind === 'EventList' || Array.isArray(raw.items)) {
    throw new SignalShapeError('An EventList must be split into its items before evaluation');
  }
  let signal: Signal;
  if (isAuditEvent(raw)) {
    signal = normalizeAuditEvent(raw);
  } else {
    const looksLikeEvent = isRecord(raw.involvedObject) || isRecord(raw.regarding) || typeof raw.reason === 'string';
    if (!looksLikeEvent) throw new SignalShapeError('Not a Kubernetes Event (no involvedObject, regarding or reason) nor an audit Event');
    signal = normalizeKubernetesEvent(raw);
  }
  // Frozen: the namespace decides tenant visibility and must not change after this point.
  Object.freeze(signal);
  normalized.add(signal);
  return signal;
}
