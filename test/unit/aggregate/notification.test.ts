import { describe, expect, it } from 'vitest';
import { ZERO_TIME } from '../../../lib/alert/alert.js';
import { commonPairs, notificationId } from '../../../lib/aggregate/index.js';
import { GroupSimulator, MINUTE, SECOND, T0, firingAlert, fp, iso, resolvedAlert } from './builders.js';

describe('the notification payload', () => {
  it("has Alertmanager's version 4 fields but those delivery adds, with firing endsAt zeroed and common labels", () => {
    const sim = new GroupSimulator({ groupBy: ['alertname', 'namespace'] });
    const web1 = { alertname: 'HighLatency', namespace: 'shop', job: 'web', instance: 'web-1:9090', severity: 'page' };
    const web0 = { ...web1, instance: 'web-0:9090' };
    const api = { ...web1, job: 'api', instance: 'api-0:9090', severity: 'ticket' };
    const annotations = { summary: 'Latency is high', runbook: 'https://runbooks.example/latency' };
    sim.ingest(T0, [
      firingAlert(web1, { annotations, endsAt: T0 + 4 * MINUTE }),
      firingAlert(web0, { annotations }),
      firingAlert(api, { annotations: { summary: 'API latency is high' } }),
    ]);
    sim.advanceTo(T0 + 30 * SECOND);

    const payload = sim.sent[0]?.notification.payload;

    expect(payload).toEqual({
      groupKey: '{}:{alertname="HighLatency", namespace="shop"}',
      truncatedAlerts: 0,
      status: 'firing',
      groupLabels: { alertname: 'HighLatency', namespace: 'shop' },
      commonLabels: { alertname: 'HighLatency', namespace: 'shop' },
      commonAnnotations: {},
      alerts: [api, web0, web1].map((labels) => ({
        status: 'firing',
        labels,
        annotations: labels === api ? { summary: 'API latency is high' } : annotations,
        startsAt: iso(T0),
        endsAt: ZERO_TIME,
        generatorURL: 'http://prometheus.example/graph',
        fingerprint: fp(labels),
      })),
    });
  });

  it('is resolved when only resolved alerts remain, keeping their endsAt', () => {
    const sim = new GroupSimulator({ groupBy: ['alertname'] });
    const labels = { alertname: 'DiskFull', instance: 'db-0' };
    sim.ingest(T0, [firingAlert(labels)]);
    sim.ingest(T0 + MINUTE, [resolvedAlert(labels, { endsAt: T0 + MINUTE })]);
    sim.advanceTo(T0 + 10 * MINUTE);

    const payload = sim.sent[1]?.notification.payload;

    expect(payload?.status).toBe('resolved');
    expect(payload?.alerts).toEqual([expect.objectContaining({ status: 'resolved', endsAt: iso(T0 + MINUTE) })]);
    expect(payload?.commonLabels).toEqual(labels);
  });
});

describe('commonPairs', () => {
  it('keeps only the pairs every set has with the same value', () => {
    expect(commonPairs([{ a: '1', b: '2', c: '3' }, { a: '1', b: 'x', c: '3' }, { a: '1', c: '3', d: '4' }])).toEqual({
      a: '1',
      c: '3',
    });
    expect(commonPairs([])).toEqual({});
  });
});

describe('notificationId', () => {
  const group = { receiver: 'r', key: '{}:{alertname="X"}' };

  it('does not depend on the order of fingerprints', () => {
    expect(notificationId(group, T0, ['b', 'a'], ['c'])).toBe(notificationId(group, T0, ['a', 'b'], ['c']));
  });

  it('differs by receiver, scheduled time and content', () => {
    const base = notificationId(group, T0, ['a'], []);

    expect(notificationId({ ...group, receiver: 'other' }, T0, ['a'], [])).not.toBe(base);
    expect(notificationId(group, T0 + 1, ['a'], [])).not.toBe(base);
    expect(notificationId(group, T0, ['a', 'b'], [])).not.toBe(base);
    expect(notificationId(group, T0, [], ['a'])).not.toBe(base);
  });
});
