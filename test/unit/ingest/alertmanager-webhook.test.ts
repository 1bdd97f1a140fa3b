import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import { parseAlertmanagerWebhook } from '../../../lib/ingest/alertmanager-webhook.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../../helpers/builders.js';

const source = { clusterName: 'prod-eu' };

describe('parseAlertmanagerWebhook', () => {
  it('turns each webhook alert into an alert stamped with the authenticated cluster', () => {
    const { alerts, issues } = parseAlertmanagerWebhook(anAlertmanagerWebhook(), source);

    expect(issues).toEqual([]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'HighErrorRate', severity: 'critical', namespace: 'shop', cluster: 'prod-eu' },
      annotations: { summary: 'error rate above 5%' },
      startsAt: '2026-11-25T10:00:00.123456789Z',
      source: 'alertmanager-webhook',
      cluster: 'prod-eu',
    });
  });

  it('overwrites a cluster label from the payload with the authenticated cluster', () => {
    const body = anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'X', cluster: 'someone-else' } })]);

    const { alerts } = parseAlertmanagerWebhook(body, source);

    expect(alerts[0]!.labels.cluster).toBe('prod-eu');
    expect(alerts[0]!.cluster).toBe('prod-eu');
  });

  it('computes the fingerprint over the final labels, not the sender-supplied one', () => {
    const { alerts } = parseAlertmanagerWebhook(anAlertmanagerWebhook(), source);

    expect(alerts[0]!.fingerprint).toBe(fingerprint(alerts[0]!.labels));
    expect(alerts[0]!.fingerprint).not.toBe('da393b5f7de9bc89');
  });

  it('drops labels with empty values before fingerprinting, as Alertmanager does', () => {
    const body = anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'X', instance: '' } })]);

    const { alerts } = parseAlertmanagerWebhook(body, source);

    expect(alerts[0]!.labels).toEqual({ alertname: 'X', cluster: 'prod-eu' });
  });

  it('keeps unicode label values intact', () => {
    const body = anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'Ошибка', team: '运维 🚨' } })]);

    const { alerts } = parseAlertmanagerWebhook(body, source);

    expect(alerts[0]!.labels).toMatchObject({ alertname: 'Ошибка', team: '运维 🚨' });
  });

  it('fills optional fields: annotations {}, generatorURL "", endsAt the zero time', () => {
    const body = anAlertmanagerWebhook([{ status: 'firing', labels: { alertname: 'X' }, startsAt: '2026-11-25T10:00:00Z' }]);

    const { alerts } = parseAlertmanagerWebhook(body, source);

    expect(alerts[0]).toMatchObject({ annotations: {}, generatorURL: '', endsAt: '0001-01-01T00:00:00Z' });
  });

  it('keeps the valid alerts of a batch and names each invalid one by index and field', () => {
    const body = anAlertmanagerWebhook([
      anAlertmanagerAlert(),
      anAlertmanagerAlert({ status: 'burning' }),
      anAlertmanagerAlert({ labels: { alertname: 42 } }),
      anAlertmanagerAlert({ startsAt: 'yesterday' }),
    ]);

    const { alerts, issues } = parseAlertmanagerWebhook(body, source);

    expect(alerts).toHaveLength(1);
    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [1, 'alerts[1].status'],
      [2, 'alerts[2].labels.alertname'],
      [3, 'alerts[3].startsAt'],
    ]);
  });

  it('rejects an alert whose labels are all empty, since it has no identity', () => {
    const { alerts, issues } = parseAlertmanagerWebhook(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { a: '' } })]), source);

    expect(alerts).toEqual([]);
    expect(issues[0]).toMatchObject({ field: 'alerts[0].labels', index: 0 });
  });

  it('rejects a body without an alerts array, naming the field', () => {
    expect(() => parseAlertmanagerWebhook({ version: '4' }, source)).toThrowError(InvalidPayloadError);
    try {
      parseAlertmanagerWebhook({ version: '4' }, source);
    } catch (error) {
      expect((error as InvalidPayloadError).issues[0]!.field).toBe('alerts');
    }
  });

  it('rejects a payload version other than 4', () => {
    expect(() => parseAlertmanagerWebhook({ ...anAlertmanagerWebhook(), version: '3' }, source)).toThrowError(/version/);
  });

  it('rejects non-object bodies', () => {
    for (const body of [null, [], 'text', 42]) {
      expect(() => parseAlertmanagerWebhook(body, source)).toThrowError(InvalidPayloadError);
    }
  });

  it('refuses label values with a lone surrogate (only a JSON escape can make one), naming the field', () => {
    const body = JSON.parse('{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"X","bad":"\\ud800"},"startsAt":"2026-11-25T10:00:00Z"}]}');
    const { alerts, issues } = parseAlertmanagerWebhook(body, source);
    expect(alerts).toEqual([]);
    expect(issues[0]).toMatchObject({ index: 0, field: 'alerts[0].labels.bad' });
  });
});
