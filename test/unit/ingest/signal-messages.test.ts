import { describe, expect, it } from 'vitest';
import { parseKubernetesAuditEvents } from '../../../lib/ingest/kubernetes-audit.js';
import { parseKubernetesEvents } from '../../../lib/ingest/kubernetes-events.js';
import { signalBatchBodies, signalBatchMessageSchema, type SignalBatchMessage } from '../../../lib/ingest/signal-messages.js';
import { parseMessage } from '../../../lib/pipeline/messages.js';
import { fixture, NOW } from './fixtures.js';

const origin = { accountId: 'acme', clusterId: 'c-1', clusterName: 'prod-eu' };

describe('signalBatchBodies', () => {
  it('wraps event signals in a message the filter stage validates back to the same signals', () => {
    const { signals } = parseKubernetesEvents(fixture('kubernetes-event-list.json'));

    const bodies = signalBatchBodies(origin, { kind: 'kubernetes-event', items: signals }, NOW);

    expect(bodies).toHaveLength(1);
    const message = parseMessage(signalBatchMessageSchema, bodies[0]!);
    expect(message).toMatchObject({ type: 'signal-batch', kind: 'kubernetes-event', ...origin, receivedAt: '2026-11-25T10:05:00.000Z' });
    expect(message.signals).toEqual(signals);
  });

  it('splits a large audit batch across messages under the size limit, losing none and keeping order', () => {
    const list = fixture<{ items: Array<Record<string, unknown>> }>('audit-event-list.json');
    const items = Array.from({ length: 600 }, (_, i) => ({ ...list.items[0], auditID: `id-${i}`, requestObject: { pad: 'x'.repeat(1500) } }));
    const { signals, issues } = parseKubernetesAuditEvents({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });
    expect(issues).toEqual([]);

    const bodies = signalBatchBodies(origin, { kind: 'kubernetes-audit', items: signals }, NOW);

    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(240 * 1024);
    const received = bodies.flatMap((body) => {
      const message: SignalBatchMessage = parseMessage(signalBatchMessageSchema, body);
      return message.kind === 'kubernetes-audit' ? message.signals.map((signal) => signal.event.auditID) : [];
    });
    expect(received).toEqual(items.map((item) => item.auditID));
  });

  it('produces nothing for no signals', () => {
    expect(signalBatchBodies(origin, { kind: 'kubernetes-event', items: [] }, NOW)).toEqual([]);
  });
});

describe('signalBatchMessageSchema', () => {
  it('refuses a message whose signals do not match its kind', () => {
    const { signals } = parseKubernetesEvents(fixture('kubernetes-core-v1-event.json'));
    const body = JSON.stringify({ type: 'signal-batch', ...origin, receivedAt: NOW.toISOString(), kind: 'kubernetes-audit', signals });

    expect(() => parseMessage(signalBatchMessageSchema, body)).toThrowError(/schema/);
  });
});
