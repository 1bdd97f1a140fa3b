import { describe, expect, it } from 'vitest';
import { compileCondition, isNormalizedSignal, normalizeSignal, SignalShapeError } from '../../../lib/rules/index.js';
import { auditEvent, auditEventList, coreEvent, enhancedEvent, eventsV1Event } from './fixtures.js';

describe('normalizeSignal', () => {
  it('keeps a core/v1 event and takes its namespace from involvedObject', () => {
    const signal = normalizeSignal(coreEvent('crashLoopBackOff'));
    expect(signal.type).toBe('event');
    expect(signal.namespace).toBe('shop');
    expect(signal.doc).toMatchObject({ reason: 'BackOff', count: 7, involvedObject: { kind: 'Pod', name: 'web-7d9c6b5f4-x2k8p' } });
  });

  it('treats a Node event as cluster-level although the Event lives in "default"', () => {
    expect(normalizeSignal(coreEvent('nodeNotReady')).namespace).toBe('');
  });

  it('fills the zero values kube-events rules rely on', () => {
    const doc = normalizeSignal(coreEvent('podFailedNoFieldPath')).doc as { involvedObject: Record<string, unknown>; action: string };
    expect(doc.involvedObject.fieldPath).toBe('');
    expect(doc.action).toBe('');
  });

  it('aliases events.k8s.io/v1 fields onto the core/v1 names and keeps the originals', () => {
    const signal = normalizeSignal(eventsV1Event('failedScheduling'));
    expect(signal.namespace).toBe('shop');
    expect(signal.doc).toMatchObject({
      involvedObject: { kind: 'Pod', name: 'api-5c8f7d-qz9wt' },
      regarding: { kind: 'Pod' },
      message: '0/3 nodes are available: 3 Insufficient cpu.',
      note: '0/3 nodes are available: 3 Insufficient cpu.',
      reportingComponent: 'default-scheduler',
      count: 4,
      lastTimestamp: '2024-05-14T08:14:00.100000Z',
    });
    const rule = compileCondition('involvedObject.kind = "Pod" and reason = "FailedScheduling" and message contains "Insufficient" and count > 3');
    expect(rule.test(signal.doc)).toBe(true);
  });

  it('counts a single events.k8s.io/v1 occurrence as 1', () => {
    expect(normalizeSignal(eventsV1Event('crashLoopSingle')).doc.count).toBe(1);
  });

  it('keeps the labels of kubernetes-event-exporter enhanced events reachable', () => {
    const doc = normalizeSignal(enhancedEvent('crashLoopBackOffDev')).doc;
    expect(compileCondition('involvedObject.labels["app.kubernetes.io/name"] = "web" and clusterName = "edge-eu-1"').test(doc)).toBe(true);
  });

  it('recognises audit events, with or without apiVersion, and keeps them as sent', () => {
    const [first] = auditEventList().items;
    const signal = normalizeSignal(first);
    expect(signal.type).toBe('audit');
    expect(signal.namespace).toBe('shop');
    expect(normalizeSignal({ ...auditEvent('execPost'), apiVersion: 'audit.k8s.io/v1', kind: 'Event' }).type).toBe('audit');
    expect(normalizeSignal(auditEvent('anonymousHealthz')).namespace).toBe('');
    expect((normalizeSignal(auditEvent('execPost')).doc as Record<string, unknown>).level).toBe('Metadata');
  });

  it('refuses lists and things that are not events', () => {
    expect(() => normalizeSignal(auditEventList())).toThrow(SignalShapeError);
    expect(() => normalizeSignal('text')).toThrow(SignalShapeError);
    expect(() => normalizeSignal({ hello: 'world' })).toThrow(SignalShapeError);
  });

  it('does not trust an object that merely looks like a normalized signal', () => {
    const forged = { type: 'event', doc: {}, namespace: 'payments' };
    expect(isNormalizedSignal(forged)).toBe(false);
    const real = normalizeSignal(coreEvent('crashLoopBackOff'));
    expect(isNormalizedSignal(real)).toBe(true);
    expect(Object.isFrozen(real)).toBe(true);
  });
});
