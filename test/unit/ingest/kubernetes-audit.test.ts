import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { looksLikeAuditBody, parseKubernetesAuditEvents } from '../../../lib/ingest/kubernetes-audit.js';
import { normalizeSignal } from '../../../lib/rules/signal.js';
import { fixture } from './fixtures.js';

type Json = Record<string, unknown>;

describe('parseKubernetesAuditEvents', () => {
  it('keeps every valid event of the webhook backend batch, every field intact', () => {
    const list = fixture<{ items: Json[] }>('audit-event-list.json');

    const { signals } = parseKubernetesAuditEvents(list);

    expect(signals).toHaveLength(4);
    expect(signals[0]!.event).toEqual({ ...list.items[0], apiVersion: 'audit.k8s.io/v1', kind: 'Event' });
    expect(signals[2]!.event).toMatchObject({
      impersonatedUser: { username: 'admin', groups: ['system:masters'] },
      user: { extra: { 'authentication.kubernetes.io/pod-name': ['runner-7x'] } },
      sourceIPs: ['10.0.4.17', '2001:db8::17'],
      responseObject: { kind: 'Status', code: 403 },
      responseStatus: { code: 403, reason: 'Forbidden' },
      requestObject: { roleRef: { name: 'cluster-admin' } },
      stageTimestamp: '2026-11-25T08:14:00.004000Z',
    });
  });

  it('takes the namespace from objectRef, empty for cluster-scoped and non-resource requests', () => {
    const { signals } = parseKubernetesAuditEvents(fixture('audit-event-list.json'));

    expect(signals.map((signal) => signal.namespace)).toEqual(['shop', 'shop', '', '']);
  });

  it('names the missing and wrong required fields of each bad item by index', () => {
    const { issues } = parseKubernetesAuditEvents(fixture('audit-event-list.json'));

    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [4, 'items[4].auditID'],
      [5, 'items[5].level'],
      [5, 'items[5].stage'],
      [5, 'items[5].user'],
    ]);
  });

  it('accepts a single audit Event', () => {
    const { signals, issues } = parseKubernetesAuditEvents(fixture('audit-single-event.json'));

    expect(issues).toEqual([]);
    expect(signals[0]!.event).toMatchObject({ verb: 'create', objectRef: { subresource: 'exec' } });
  });

  it("accepts Go's empty list (items: null)", () => {
    expect(parseKubernetesAuditEvents({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: null })).toEqual({ signals: [], issues: [] });
  });

  it('refuses other audit API versions, whose fields differ', () => {
    expect(() => parseKubernetesAuditEvents({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1beta1', items: [] })).toThrowError(
      /unsupported audit API version/,
    );
  });

  it('rejects bodies that are not audit events, naming the body', () => {
    for (const body of [null, [], 'x', { kind: 'Event', involvedObject: {} }, { kind: 'EventList', items: 'no' }]) {
      expect(() => parseKubernetesAuditEvents(body)).toThrowError(InvalidPayloadError);
    }
  });

  it('refuses an audit event too large to queue instead of failing the batch', () => {
    const list = fixture<{ items: Json[] }>('audit-event-list.json');
    const huge = { ...list.items[0], responseObject: { data: 'x'.repeat(250 * 1024) } };

    const { signals, issues } = parseKubernetesAuditEvents({ kind: 'EventList', items: [huge, list.items[1]] });

    expect(signals).toHaveLength(1);
    expect(issues).toEqual([expect.objectContaining({ field: 'items[0]', index: 0, message: expect.stringMatching(/too large/) })]);
  });

  it('produces events the rules engine reads as audit events', () => {
    const { signals } = parseKubernetesAuditEvents(fixture('audit-event-list.json'));
    for (const signal of signals) {
      const normalized = normalizeSignal(signal.event);
      expect(normalized.type).toBe('audit');
      expect(normalized.namespace).toBe(signal.namespace);
    }
  });
});

describe('looksLikeAuditBody', () => {
  it('knows audit lists, audit events and lists without apiVersion', () => {
    const list = fixture<{ items: Json[] }>('audit-event-list.json');
    expect(looksLikeAuditBody(list)).toBe(true);
    expect(looksLikeAuditBody(list.items[0])).toBe(true);
    expect(looksLikeAuditBody({ items: list.items })).toBe(true);
    expect(looksLikeAuditBody(fixture('kubernetes-event-list.json'))).toBe(false);
    expect(looksLikeAuditBody(fixture('kubernetes-core-v1-event.json'))).toBe(false);
  });
});
