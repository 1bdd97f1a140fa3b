/**
 * Builds the alert a matching alert rule produces. Repeats of one event
 * (same object and reason, rising count) and repeats of one audited action
 * (same user, verb and object) yield the same labels, hence the same
 * fingerprint, so routing updates one alert instead of raising many. Events
 * have no "resolved" message, so alerts carry `endsAt = last seen +
 * resolveAfter` and resolve by themselves.
 */
import { CLUSTER_LABEL, type Alert, type LabelSet } from '../alert/alert.js';
import { alertTextBytes, MAX_ALERT_TEXT_BYTES } from '../alert/labels.js';
import { fingerprint } from '../alert/fingerprint.js';
import { RESERVED_LABELS, type CompiledRule } from './rule.js';
import type { Signal } from './signal.js';

/** Default time after the last occurrence at which an event alert resolves. */
export const DEFAULT_RESOLVE_AFTER_SECONDS = 15 * 60;
/** Cap on a label value the engine derives from an event. */
const MAX_LABEL_VALUE = 1024;

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function put(labels: LabelSet, name: string, value: string): void {
  // Alertmanager treats an empty label as absent; leaving it out keeps fingerprints equal.
  if (value !== '') labels[name] = value.length > MAX_LABEL_VALUE ? value.slice(0, MAX_LABEL_VALUE) : value;
}

const CONTAINER_IN_FIELD_PATH = /^spec\.(?:initContainers|containers|ephemeralContainers)\{([^}]+)\}/;
const EVENT_IDENTITY = new Set(['kind', 'name', 'reason', 'container']);

function eventIdentity(doc: Json, labels: LabelSet): void {
  const involved = record(doc.involvedObject);
  const kind = text(involved.kind);
  const name = text(involved.name);
  put(labels, 'kind', kind);
  put(labels, 'name', name);
  put(labels, 'reason', text(doc.reason));
  const container = CONTAINER_IN_FIELD_PATH.exec(text(involved.fieldPath))?.[1];
  if (container !== undefined) put(labels, 'container', container);
  // KubeSphere's `<kind>=<name>` label (pod=..., node=...), which inhibit rules and receivers key on.
  const kindLabel = kind.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (/^[a-z_]/.test(kindLabel) && !RESERVED_LABELS.has(kindLabel) && !EVENT_IDENTITY.has(kindLabel)) put(labels, kindLabel, name);
}

function auditIdentity(doc: Json, labels: LabelSet): void {
  const objectRef = record(doc.objectRef);
  put(labels, 'verb', text(doc.verb));
  put(labels, 'resource', text(objectRef.resource));
  put(labels, 'subresource', text(objectRef.subresource));
  put(labels, 'name', text(objectRef.name));
  put(labels, 'user', text(record(doc.user).username));
  put(labels, 'impersonated_user', text(record(doc.impersonatedUser).username));
  if (doc.objectRef === undefined) put(labels, 'path', text(doc.requestURI).split('?')[0] ?? '');
}

function defaultMessage(signal: Signal): string {
  const doc = signal.doc as Json;
  if (signal.type === 'event') return text(doc.message);
  const objectRef = record(doc.objectRef);
  const user = text(record(doc.user).username) || 'unknown user';
  const resource = [text(objectRef.resource), text(objectRef.subresource)].filter((part) => part !== '').join('/');
  const target = resource === '' ? text(doc.requestURI) : `${resource}${objectRef.name === undefined ? '' : ` '${text(objectRef.name)}'`}`;
  const where = signal.namespace === '' ? '' : ` in namespace ${signal.namespace}`;
  const code = text(record(doc.responseStatus).code);
  return `${user} ${text(doc.verb)} ${target}${where}${code === '' ? '' : ` (${code})`}`;
}

/** When the signal started and was last seen, falling back to `now`. */
function occurrence(signal: Signal, now: number): { first: number; last: number } {
  const doc = signal.doc as Json;
  if (signal.type === 'audit') {
    const first = time(doc.requestReceivedTimestamp) ?? time(doc.stageTimestamp) ?? now;
    return { first, last: Math.max(first, time(doc.stageTimestamp) ?? first) };
  }
  const metadata = record(doc.metadata);
  const series = record(doc.series);
  const eventTime = time(doc.eventTime);
  const first = time(doc.firstTimestamp) ?? eventTime ?? time(metadata.creationTimestamp) ?? now;
  const last = time(doc.lastTimestamp) ?? time(series.lastObservedTime) ?? eventTime ?? first;
  return { first: Math.min(first, last), last };
}

/** Where and when an alert is being built. */
export interface AlertContext {
  cluster: string;
  now: Date;
  defaultResolveAfterSeconds: number;
}

const SHORTENED = '… (shortened)';

/**
 * Shortens the longest annotations until the alert fits the size every stage
 * accepts (an annotation template may render a whole event): an alert made
 * here must never fail later on size, as an oversized alert from a sender is
 * refused at ingest instead.
 */
function fitAnnotations(labels: LabelSet, annotations: LabelSet): void {
  const kept = new Map<string, number>();
  while (alertTextBytes({ labels, annotations, generatorURL: '' }) > MAX_ALERT_TEXT_BYTES) {
    const longest = Object.keys(annotations).reduce<string | undefined>(
      (best, name) => (best === undefined || annotations[name]!.length > annotations[best]!.length ? name : best),
      undefined,
    );
    if (longest === undefined || annotations[longest]!.length < 64) return;
    const original = annotations[longest]!;
    const length = Math.floor((kept.get(longest) ?? original.length) / 2);
    kept.set(longest, length);
    annotations[longest] = `${original.slice(0, length)}${SHORTENED}`;
  }
}

/** Builds the alert `rule` raises for `signal`. */
export function buildAlert(rule: CompiledRule, signal: Signal, context: AlertContext): Alert {
  const spec = rule.spec;
  const doc = signal.doc as Json;
  const data = { cluster: context.cluster, rule: spec.name, namespace: signal.namespace };

  const labels: LabelSet = {};
  if (signal.type === 'event') eventIdentity(doc, labels);
  else auditIdentity(doc, labels);
  for (const [name, template] of rule.labels) put(labels, name, template.render(doc, data));
  // Set last: rule labels may not move an alert to another cluster, namespace (tenant) or owner.
  labels.alertname = spec.name;
  labels.alerttype = signal.type === 'event' ? 'event' : 'auditing';
  labels.severity = spec.severity;
  labels[CLUSTER_LABEL] = context.cluster;
  put(labels, 'namespace', signal.namespace);
  if (spec.owner.type === 'tenant') labels.rule_owner = spec.owner.tenantId;

  const annotations: LabelSet = {};
  put(annotations, 'message', defaultMessage(signal));
  for (const [name, template] of rule.annotations) annotations[name] = template.render(doc, data);
  fitAnnotations(labels, annotations);

  const now = context.now.getTime();
  const { first, last } = occurrence(signal, now);
  const resolveAfterMs = (spec.resolveAfterSeconds ?? context.defaultResolveAfterSeconds) * 1000;
  const endsAt = last + resolveAfterMs;
  return {
    labels,
    annotations,
    status: endsAt > now ? 'firing' : 'resolved',
    startsAt: new Date(first).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    generatorURL: '',
    fingerprint: fingerprint(labels),
    source: signal.type === 'event' ? 'kubernetes-event' : 'kubernetes-audit',
    cluster: context.cluster,
  };
}
