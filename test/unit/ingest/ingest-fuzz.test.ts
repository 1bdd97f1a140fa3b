import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MalformedBodyError,
  PayloadTooLargeError,
  readJsonBody,
  UnsupportedMediaTypeError,
  type RawBody,
} from '../../../lib/http/request-body.js';
import { parsePostableAlerts } from '../../../lib/ingest/alertmanager-api.js';
import { parseAlertmanagerWebhook } from '../../../lib/ingest/alertmanager-webhook.js';
import { classifyCloudEvents, parseCloudEvents, readCloudEventsRequest } from '../../../lib/ingest/cloudevents.js';
import { parseGenericAlerts } from '../../../lib/ingest/generic-alerts.js';
import { InvalidPayloadError, type FieldIssue } from '../../../lib/ingest/ingest-errors.js';
import { parseKubernetesAuditEvents } from '../../../lib/ingest/kubernetes-audit.js';
import { parseKubernetesEvents } from '../../../lib/ingest/kubernetes-events.js';
import { RequestSignatureError, verifyRequestSignature } from '../../../lib/ingest/request-signing.js';
import { fixture, NOW, source } from './fixtures.js';

const CLIENT_ERRORS = [InvalidPayloadError, MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError];

/** Runs `fn`; passes when it returns or throws one of the client-error classes (a 4xx), fails on anything else. */
function answersLikeAClient<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (CLIENT_ERRORS.some((type) => error instanceof type)) return undefined;
    throw error;
  }
}

/** Every item of a batch is either kept or named in an issue: nothing disappears silently. */
function accountsForEveryItem(count: number, kept: number, issues: FieldIssue[]): void {
  const reported = new Set(issues.map((issue) => issue.index));
  expect(kept + reported.size).toBe(count);
}

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((name) => name !== '__proto__');
const text = fc.string({ unit: 'grapheme', maxLength: 20 });
const anyValue = fc.jsonValue({ maxDepth: 3 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const timestamp = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Objects close to an alert: right keys, values sometimes right and sometimes anything. */
const nearAlert = fc.record(
  {
    labels: fc.oneof(fc.dictionary(fc.oneof(labelName, fc.string()), fc.oneof(text, anyValue)), anyValue),
    annotations: fc.oneof(fc.dictionary(fc.string(), text), anyValue),
    status: fc.oneof(fc.constantFrom('firing', 'resolved'), anyValue),
    startsAt: fc.oneof(timestamp, fc.constant('0001-01-01T00:00:00Z'), anyValue),
    endsAt: fc.oneof(timestamp, anyValue),
    generatorURL: fc.oneof(fc.webUrl(), anyValue),
  },
  { requiredKeys: [] },
);

const coreEvent = fixture<Record<string, unknown>>('kubernetes-core-v1-event.json');
const eventsV1 = fixture<Record<string, unknown>>('kubernetes-events-k8s-io-v1-event.json');
const auditList = fixture<{ items: Array<Record<string, unknown>> }>('audit-event-list.json');

/** A real event or audit event with some fields replaced by random values. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = [...Object.keys(base), 'regarding', 'involvedObject', 'items', 'EventReason', 'EventTime', 'series', 'count'];
  return fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 4 }).map((changes) => ({ ...base, ...changes }));
}

const eventLike = fc.oneof(anyValue, mutated(coreEvent), mutated(eventsV1), mutated(auditList.items[0]!));
const bodies = fc.oneof(
  anyValue,
  fc.array(fc.oneof(nearAlert, eventLike), { maxLength: 6 }),
  nearAlert,
  eventLike,
  fc.array(eventLike, { maxLength: 4 }).map((items) => ({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items })),
  fc.array(eventLike, { maxLength: 4 }).map((items) => ({ kind: 'EventList', apiVersion: 'v1', items })),
  fc.array(nearAlert, { maxLength: 4 }).map((alerts) => ({ version: '4', alerts })),
  fc.constantFrom(
    JSON.parse('[{"labels":{"__proto__":"x","a":"b"}}]') as unknown,
    JSON.parse('{"__proto__":{"polluted":true},"involvedObject":{"__proto__":1},"reason":"X"}') as unknown,
    JSON.parse('{"labels":{"a":"\\udc00"},"EventReason":"\\ud800"}') as unknown,
  ),
);

const contentTypes = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/cloudevents+json',
    'application/cloudevents-batch+json',
    'text/plain',
    'application/octet-stream',
    'application/x-www-form-urlencoded',
    '',
    ';;;',
  ),
  fc.string({ maxLength: 30 }),
  fc.constant(undefined),
);
const encodings = fc.oneof(fc.constantFrom('gzip', 'deflate', 'identity', 'GZIP ', 'br', '', 'x-gzip'), fc.string({ maxLength: 10 }), fc.constant(undefined));

/** Bodies as API Gateway hands them over: JSON text, random bytes, compressed or not, base64 or not. */
const rawBodies: fc.Arbitrary<RawBody> = fc
  .record({
    payload: fc.oneof(
      bodies.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      fc.string().map((value) => Buffer.from(value)),
    ),
    compress: fc.constantFrom('none', 'gzip', 'deflate'),
    base64: fc.boolean(),
    missing: fc.boolean(),
    contentType: contentTypes,
    contentEncoding: encodings,
  })
  .map(({ payload, compress, base64, missing, contentType, contentEncoding }) => {
    const bytes = compress === 'gzip' ? gzipSync(payload) : compress === 'deflate' ? deflateSync(payload) : payload;
    const encoded = base64 || compress !== 'none' ? bytes.toString('base64') : bytes.toString('utf8');
    return { body: missing ? undefined : encoded, isBase64Encoded: base64 || compress !== 'none', contentType, contentEncoding };
  });

const headerMaps = fc.dictionary(
  fc.oneof(fc.constantFrom('ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'ce-time', 'Ce-Subject', 'content-type', 'ce-'), fc.string({ maxLength: 8 })),
  fc.oneof(fc.constantFrom('1.0', '0.3', '%E0%A4%A', '2026-11-25T10:00:00Z', ''), fc.string({ maxLength: 20 })),
  { maxKeys: 6 },
);

describe('ingest under random input', () => {
  it('every parser answers any JSON value with a result or a client error, never a crash', () => {
    fc.assert(
      fc.property(bodies, (body) => {
        answersLikeAClient(() => parsePostableAlerts(body, source, { now: NOW }));
        answersLikeAClient(() => parseGenericAlerts(body, source, { now: NOW }));
        answersLikeAClient(() => parseAlertmanagerWebhook(body, source));
        answersLikeAClient(() => parseKubernetesEvents(body));
        answersLikeAClient(() => parseKubernetesAuditEvents(body));
        for (const mode of ['structured', 'batched'] as const) {
          const parsed = answersLikeAClient(() => parseCloudEvents(body, mode));
          if (parsed) classifyCloudEvents(parsed.events, source, { now: NOW, batched: mode === 'batched' });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('every item of a random batch is either kept or reported', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nearAlert, eventLike), { maxLength: 8 }), (items) => {
        const postable = parsePostableAlerts(items, source, { now: NOW });
        accountsForEveryItem(items.length, postable.alerts.length, postable.issues);
        const generic = parseGenericAlerts(items, source, { now: NOW });
        accountsForEveryItem(items.length, generic.alerts.length, generic.issues);
        const events = answersLikeAClient(() => parseKubernetesEvents({ kind: 'EventList', items }));
        if (events) accountsForEveryItem(items.length, events.signals.length, events.issues);
        const audit = answersLikeAClient(() => parseKubernetesAuditEvents({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }));
        if (audit) accountsForEveryItem(items.length, audit.signals.length, audit.issues);
      }),
      { numRuns: 300 },
    );
  });

  it('readJsonBody and readCloudEventsRequest answer random bytes, types and encodings with a result or a client error', () => {
    fc.assert(
      fc.property(rawBodies, headerMaps, fc.integer({ min: 0, max: 4096 }), (raw, headers, limitBytes) => {
        answersLikeAClient(() => readJsonBody(raw, { limitBytes, acceptedTypes: ['application/json'] }));
        const read = answersLikeAClient(() => readCloudEventsRequest(raw, headers, { limitBytes }));
        if (read) classifyCloudEvents(read.events, source, { now: NOW, batched: read.mode === 'batched' });
      }),
      { numRuns: 400 },
    );
  });

  it('signature verification only ever throws its own errors', () => {
    fc.assert(
      fc.property(fc.string(), maybe(fc.string()), maybe(fc.string()), fc.array(fc.string(), { maxLength: 3 }), (body, timestamp, signature, secrets) => {
        try {
          verifyRequestSignature({ body, timestamp, signature, secrets, now: NOW });
        } catch (error) {
          expect(error).toBeInstanceOf(RequestSignatureError);
        }
      }),
    );
  });
});

describe('ingest of valid alerts', () => {
  const validLabels = fc
    .dictionary(labelName, fc.oneof(text, fc.constant('')), { minKeys: 1, maxKeys: 6 })
    .filter((labels) => Object.entries(labels).some(([, value]) => value !== ''));
  const window = fc.tuple(timestamp, timestamp).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
  const validAlert = fc
    .record({
      labels: validLabels,
      annotations: maybe(fc.dictionary(labelName, text, { maxKeys: 3 })),
      window: maybe(window),
      generatorURL: maybe(fc.webUrl()),
    })
    .map(({ window: times, ...alert }) => (times ? { ...alert, startsAt: times[0], endsAt: times[1] } : alert));

  /** What an accepted alert's labels must be: empty values dropped, cluster stamped. */
  function expectedLabels(labels: Record<string, string>): Record<string, string> {
    const out = Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));
    return { ...out, cluster: source.clusterName };
  }

  it('keeps every valid alert of a push to /api/v2/alerts, in order, with its labels', () => {
    fc.assert(
      fc.property(fc.array(validAlert, { maxLength: 30 }), (items) => {
        const { alerts, issues } = parsePostableAlerts(items, source, { now: NOW });

        expect(issues).toEqual([]);
        expect(alerts.map((alert) => alert.labels)).toEqual(items.map((item) => expectedLabels(item.labels)));
        expect(alerts.map((alert) => alert.annotations)).toEqual(items.map((item) => item.annotations ?? {}));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every valid generic alert and every valid CloudEvent alert', () => {
    fc.assert(
      fc.property(fc.array(validAlert, { maxLength: 20 }), (items) => {
        const generic = parseGenericAlerts(items, source, { now: NOW });
        expect(generic.issues).toEqual([]);
        expect(generic.alerts.map((alert) => alert.labels)).toEqual(items.map((item) => expectedLabels(item.labels)));

        const events = items.map((item, i) => ({ specversion: '1.0', id: `e-${i}`, source: 'urn:fuzz', type: 'fuzz.alert', data: item }));
        const parsed = parseCloudEvents(events, 'batched');
        const classified = classifyCloudEvents(parsed.events, source, { now: NOW, batched: true });
        expect(parsed.issues).toEqual([]);
        expect(classified.issues).toEqual([]);
        expect(classified.alerts).toHaveLength(items.length);
      }),
      { numRuns: 200 },
    );
  });
});
