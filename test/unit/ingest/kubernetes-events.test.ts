import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import {
  detectKubernetesEventsBody,
  parseGoTime,
  parseKubernetesEvents,
  type KubernetesEventSignal,
} from '../../../lib/ingest/kubernetes-events.js';
import { normalizeSignal } from '../../../lib/rules/signal.js';
import { fixture } from './fixtures.js';

function only(body: unknown): KubernetesEventSignal {
  const { signals, issues } = parseKubernetesEvents(body);
  expect(issues).toEqual([]);
  expect(signals).toHaveLength(1);
  return signals[0]!;
}

describe('parseKubernetesEvents', () => {
  it('keeps a core/v1 Event as sent, in the core/v1 shape', () => {
    const raw = fixture<Record<string, unknown>>('kubernetes-core-v1-event.json');

    const signal = only(raw);

    expect(signal).toMatchObject({ kind: 'kubernetes-event', format: 'core/v1', namespace: 'shop' });
    expect(signal.event).toEqual({ ...raw, action: '' });
  });

  it('maps an events.k8s.io/v1 Event onto the core/v1 fields and keeps the originals', () => {
    const signal = only(fixture('kubernetes-events-k8s-io-v1-event.json'));

    expect(signal.format).toBe('events.k8s.io/v1');
    expect(signal.namespace).toBe('shop');
    expect(signal.event).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'api-5c8f7d-qz9wt', fieldPath: '', resourceVersion: '' },
      message: '0/3 nodes are available: 3 Insufficient cpu.',
      count: 4,
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp-1',
      firstTimestamp: null,
      lastTimestamp: '2026-11-25T08:14:00.100000Z',
      eventTime: '2026-11-25T08:11:00.412345Z',
      source: { component: '', host: '' },
      note: '0/3 nodes are available: 3 Insufficient cpu.',
      regarding: { kind: 'Pod', name: 'api-5c8f7d-qz9wt' },
      series: { count: 4 },
    });
  });

  it('counts a single events.k8s.io/v1 occurrence (no series) as 1', () => {
    const { signals } = parseKubernetesEvents(fixture('kubernetes-event-list.json'));

    expect(signals[2]!.event.count).toBe(1);
    expect(signals[2]!.event.message).toBe('Stopping container worker');
  });

  it('keeps kubernetes-event-exporter labels, annotations and owner references on the involved object', () => {
    const signal = only(fixture('event-exporter-enhanced.json'));

    expect(signal.format).toBe('event-exporter');
    expect(signal.event.involvedObject.labels).toMatchObject({ 'app.kubernetes.io/name': 'web', team: '店面' });
    expect(signal.event.involvedObject.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2026-11-25T07:59:00Z',
      oncall: 'storefront',
    });
    expect(signal.event.involvedObject.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: 'web-7d9c6b5f4' })]);
    expect(signal.event.clusterName).toBe('edge-eu-1');
  });

  it('turns Go nulls of an exporter event into empty maps and lists', () => {
    const signal = only(fixture('event-exporter-cluster-scoped.json'));

    expect(signal.event.involvedObject).toMatchObject({ labels: {}, annotations: {}, ownerReferences: [] });
  });

  it('gives events about cluster-scoped objects no namespace, though the Event lives in default', () => {
    const { signals } = parseKubernetesEvents(fixture('kubernetes-event-list.json'));

    expect(signals[1]!.event.involvedObject.kind).toBe('Node');
    expect(signals[1]!.event.metadata.namespace).toBe('default');
    expect(signals[1]!.namespace).toBe('');
    expect(signals[1]!.event).toMatchObject({ apiVersion: 'v1', kind: 'Event', source: { component: 'node-controller', host: '' } });
  });

  it('parses each item of an EventList on its own and reports the bad ones by index', () => {
    const { signals, issues } = parseKubernetesEvents(fixture('kubernetes-event-list.json'));

    expect(signals.map((signal) => signal.format)).toEqual(['core/v1', 'core/v1', 'events.k8s.io/v1']);
    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [3, 'items[3]'],
      [4, 'items[4]'],
      [5, 'items[5].count'],
    ]);
  });

  it('accepts a bare JSON array of events', () => {
    const core = fixture('kubernetes-core-v1-event.json');

    const { signals } = parseKubernetesEvents([core, fixture('kubernetes-events-k8s-io-v1-event.json')]);

    expect(signals).toHaveLength(2);
  });

  it("accepts Go's empty list (items: null)", () => {
    expect(parseKubernetesEvents({ kind: 'EventList', apiVersion: 'v1', items: null })).toEqual({ signals: [], issues: [] });
  });

  it("reads kube-eventer's default webhook body", () => {
    const signal = only(fixture('kube-eventer-default.json'));

    expect(signal.format).toBe('kube-eventer');
    expect(signal.namespace).toBe('');
    expect(signal.event).toMatchObject({
      type: 'Warning',
      reason: 'FailedMount',
      involvedObject: { kind: 'Pod', name: '', namespace: '' },
      message: 'MountVolume.SetUp failed for volume config-volume : configmap app-config not found',
      lastTimestamp: '2026-11-25T08:09:47Z',
      count: 1,
      EventReason: 'FailedMount',
    });
  });

  it('reads a kube-eventer custom body that adds EventNamespace and EventObject', () => {
    const signal = only(fixture('kube-eventer-custom.json'));

    expect(signal.namespace).toBe('shop');
    expect(signal.event.involvedObject).toMatchObject({ kind: 'Deployment', namespace: 'shop', name: 'web' });
    expect(signal.event.lastTimestamp).toBe('2026-11-25T16:09:47.25+08:00');
    expect(signal.event.cluster).toBe('ignored-by-tidings');
  });

  it('reports a kube-eventer body whose EventTime is not a time', () => {
    const { signals, issues } = parseKubernetesEvents({ EventReason: 'X', EventTime: 'last tuesday' });

    expect(signals).toEqual([]);
    expect(issues).toEqual([{ field: 'EventTime', message: 'must be a Go or RFC 3339 time' }]);
  });

  it('rejects shapes it does not know with a message that lists the accepted ones', () => {
    const shapes = fixture<Record<string, unknown>>('kubernetes-events-wrong-shapes.json');
    for (const [name, body] of Object.entries(shapes)) {
      if (name === 'prometheusPush') continue;
      expect(() => parseKubernetesEvents(body), name).toThrowError(InvalidPayloadError);
    }
    try {
      parseKubernetesEvents(shapes.customExporterLayout);
    } catch (error) {
      expect((error as InvalidPayloadError).issues[0]!.message).toMatch(/involvedObject or regarding/);
    }
  });

  it('points an audit payload at the audit endpoint', () => {
    const shapes = fixture<Record<string, unknown>>('kubernetes-events-wrong-shapes.json');

    expect(() => parseKubernetesEvents(shapes.auditList)).toThrowError(
      expect.objectContaining({ issues: [expect.objectContaining({ message: expect.stringMatching(/audit endpoint/) })] }),
    );
  });

  it('reports items of an array that are not events, such as a Prometheus push sent to the wrong URL', () => {
    const shapes = fixture<Record<string, unknown>>('kubernetes-events-wrong-shapes.json');

    const { signals, issues } = parseKubernetesEvents(shapes.prometheusPush);

    expect(signals).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ field: '[0]', index: 0 })]);
  });

  it('refuses an event too large to fit in one queue message, naming it', () => {
    const core = fixture<Record<string, unknown>>('kubernetes-core-v1-event.json');
    const huge = { ...core, message: 'x'.repeat(300 * 1024) };

    const { signals, issues } = parseKubernetesEvents({ kind: 'EventList', items: [core, huge] });

    expect(signals).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'items[1]', index: 1, message: expect.stringMatching(/too large/) });
  });

  it('produces events the rules engine reads with the same namespace', () => {
    const bodies = ['kubernetes-core-v1-event.json', 'kubernetes-events-k8s-io-v1-event.json', 'event-exporter-enhanced.json', 'kube-eventer-custom.json'];
    for (const name of bodies) {
      const signal = only(fixture(name));
      const normalized = normalizeSignal(signal.event);
      expect(normalized.namespace, name).toBe(signal.namespace);
      expect(normalized.doc.reason, name).toBe(signal.event.reason);
    }
    const { signals } = parseKubernetesEvents(fixture('kubernetes-event-list.json'));
    expect(normalizeSignal(signals[1]!.event).namespace).toBe('');
  });
});

describe('detectKubernetesEventsBody', () => {
  it('tells the formats apart by shape', () => {
    expect(detectKubernetesEventsBody(fixture('kubernetes-core-v1-event.json'))).toBe('core/v1');
    expect(detectKubernetesEventsBody(fixture('kubernetes-events-k8s-io-v1-event.json'))).toBe('events.k8s.io/v1');
    expect(detectKubernetesEventsBody(fixture('event-exporter-enhanced.json'))).toBe('event-exporter');
    expect(detectKubernetesEventsBody(fixture('kube-eventer-default.json'))).toBe('kube-eventer');
    expect(detectKubernetesEventsBody(fixture('kubernetes-event-list.json'))).toBe('event-list');
    expect(detectKubernetesEventsBody([])).toBe('array');
    expect(detectKubernetesEventsBody({ labels: {} })).toBeUndefined();
  });
});

describe('parseGoTime', () => {
  it("converts Go's time.Time string to RFC 3339", () => {
    expect(parseGoTime('2026-11-25 08:09:47 +0000 UTC')).toBe('2026-11-25T08:09:47Z');
    expect(parseGoTime('2026-11-25 16:09:47.123456789 +0800 CST')).toBe('2026-11-25T16:09:47.123456789+08:00');
    expect(parseGoTime('2026-11-25 08:09:47.5 +0000 UTC m=+3.000000001')).toBe('2026-11-25T08:09:47.5Z');
  });

  it('treats the zero time and the empty string as unset, and rejects other text', () => {
    expect(parseGoTime('0001-01-01 00:00:00 +0000 UTC')).toBeNull();
    expect(parseGoTime('')).toBeNull();
    expect(parseGoTime('2026-11-25T08:09:47Z')).toBe('2026-11-25T08:09:47Z');
    expect(parseGoTime('soon')).toBeUndefined();
  });
});
