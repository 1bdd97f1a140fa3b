import { describe, expect, it } from 'vitest';
import { MAX_ALERT_TEXT_BYTES } from '../../../lib/alert/labels.js';
import { parsePostableAlerts } from '../../../lib/ingest/alertmanager-api.js';
import { parseAlertmanagerWebhook, type ParsedBatch } from '../../../lib/ingest/alertmanager-webhook.js';
import { classifyCloudEvents, type CloudEvent } from '../../../lib/ingest/cloudevents.js';
import { parseGenericAlerts } from '../../../lib/ingest/generic-alerts.js';
import { parseKubernetesAuditEvents } from '../../../lib/ingest/kubernetes-audit.js';
import { parseKubernetesEvents } from '../../../lib/ingest/kubernetes-events.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../../helpers/builders.js';
import { NOW, source } from './fixtures.js';

/** Labels named like Object.prototype members, which Prometheus accepts. */
const PROTOTYPE_NAMES = { alertname: 'Edge', constructor: 'c', toString: 't', hasOwnProperty: 'h', valueOf: 'v', __defineGetter__: 'g' };

/** Parses a JSON text, as the request body reader does, so `__proto__` is an own key. */
const json = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

/**
 * The four formats that carry labels, each given a batch of alerts with these
 * label maps; `at(i)` is the path prefix of item i in that format.
 */
const alertFormats: Array<{ name: string; parse: (labelSets: unknown[], annotations?: unknown) => ParsedBatch; at: (i: number) => string }> = [
  {
    name: 'Alertmanager webhook',
    parse: (sets, annotations = {}) => parseAlertmanagerWebhook(anAlertmanagerWebhook(sets.map((labels) => anAlertmanagerAlert({ labels, annotations }))), source),
    at: (i) => `alerts[${i}]`,
  },
  {
    name: 'Alertmanager API v2',
    parse: (sets, annotations = {}) => parsePostableAlerts(sets.map((labels) => ({ labels, annotations })), source, { now: NOW }),
    at: (i) => `[${i}]`,
  },
  {
    name: 'generic alerts',
    parse: (sets, annotations = {}) => parseGenericAlerts(sets.map((labels) => ({ labels, annotations })), source, { now: NOW }),
    at: (i) => `[${i}]`,
  },
  {
    name: 'CloudEvents',
    parse: (sets, annotations = {}) => {
      const events: CloudEvent[] = sets.map((labels, i) => ({ specversion: '1.0', id: `e${i}`, source: 'ci', type: 'build.failed', data: { labels, annotations }, extensions: {} }));
      const { alerts, issues } = classifyCloudEvents(events, source, { now: NOW, batched: true });
      return { alerts, issues };
    },
    at: (i) => `[${i}].data`,
  },
];

describe('one label validation for every ingest format', () => {
  for (const format of alertFormats) {
    describe(format.name, () => {
      it('keeps labels named like Object.prototype members, as own string values', () => {
        const { alerts, issues } = format.parse([PROTOTYPE_NAMES]);

        expect(issues).toEqual([]);
        expect(alerts[0]!.labels).toMatchObject(PROTOTYPE_NAMES);
        expect(Object.hasOwn(alerts[0]!.labels, 'constructor')).toBe(true);
        expect(Object.getPrototypeOf(alerts[0]!.labels)).toBe(Object.prototype);
      });

      it('refuses a __proto__ label by index and field, keeping the other alerts', () => {
        const { alerts, issues } = format.parse([{ alertname: 'Good' }, json('{"alertname":"Bad","__proto__":"x"}')]);

        expect(alerts.map((a) => a.labels.alertname)).toEqual(['Good']);
        expect(issues).toEqual([{ index: 1, field: `${format.at(1)}.labels.__proto__`, message: 'the name __proto__ is reserved' }]);
      });

      it('refuses an invalid label name and an annotation with a lone surrogate the same way', () => {
        const { alerts, issues } = format.parse([{ alertname: 'Bad', 'bad-name': 'x' }]);
        const annotated = format.parse([{ alertname: 'Bad' }], json('{"summary":"\\ud800"}'));

        expect(alerts).toEqual([]);
        expect(issues).toEqual([{ index: 0, field: `${format.at(0)}.labels.bad-name`, message: 'name must match [a-zA-Z_][a-zA-Z0-9_]*' }]);
        expect(annotated.issues).toEqual([{ index: 0, field: `${format.at(0)}.annotations.summary`, message: 'value must be valid UTF-8' }]);
      });

      it('refuses an alert whose labels and annotations exceed the per-alert limit, naming the field', () => {
        const { alerts, issues } = format.parse([{ alertname: 'Small' }, { alertname: 'Huge' }], { summary: 'x'.repeat(MAX_ALERT_TEXT_BYTES) });
        const fits = format.parse([{ alertname: 'Fits' }], { summary: 'x'.repeat(MAX_ALERT_TEXT_BYTES - 1024) });

        expect(alerts).toEqual([]);
        expect(issues).toEqual([
          { index: 0, field: `${format.at(0)}.annotations`, message: expect.stringMatching(/^alert is too large: .* limit 131072$/) },
          { index: 1, field: `${format.at(1)}.annotations`, message: expect.stringMatching(/too large/) },
        ]);
        expect(fits.issues).toEqual([]);
        expect(fits.alerts).toHaveLength(1);
      });
    });
  }

  it('names labels as the largest part of an oversized alert when they are', () => {
    const { issues } = parseGenericAlerts({ labels: { alertname: 'Huge', blob: 'y'.repeat(MAX_ALERT_TEXT_BYTES) } }, source, { now: NOW });

    expect(issues).toEqual([{ field: 'labels', message: expect.stringMatching(/too large/) }]);
  });

  it('refuses a __proto__ key in a Kubernetes object label map of an event, keeping Kubernetes-style keys', () => {
    const event = (labels: string) =>
      json(`{"reason":"BackOff","involvedObject":{"kind":"Pod","name":"web","namespace":"shop","labels":${labels}}}`);

    const { signals, issues } = parseKubernetesEvents([event('{"app.kubernetes.io/name":"web","constructor":"c"}'), event('{"__proto__":"x"}')]);

    expect(signals).toHaveLength(1);
    expect(signals[0]!.event.involvedObject.labels).toEqual({ 'app.kubernetes.io/name': 'web', constructor: 'c' });
    expect(issues).toEqual([{ index: 1, field: '[1].involvedObject.labels.__proto__', message: 'the name __proto__ is reserved' }]);
  });

  it('refuses a lone surrogate in an audit event annotation by index and field', () => {
    const item = (annotation: string) =>
      json(`{"auditID":"a","stage":"ResponseComplete","requestURI":"/api","verb":"get","user":{"username":"u"},"annotations":{"authorization.k8s.io/reason":"${annotation}"}}`);

    const { signals, issues } = parseKubernetesAuditEvents({ kind: 'EventList', items: [item('ok'), item('\\udc00')] });

    expect(signals).toHaveLength(1);
    expect(issues).toEqual([{ index: 1, field: 'items[1].annotations.authorization.k8s.io/reason', message: 'value must be valid UTF-8' }]);
  });
});

