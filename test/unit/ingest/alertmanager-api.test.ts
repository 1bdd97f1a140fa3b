import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import { alertmanagerStatus, parsePostableAlerts } from '../../../lib/ingest/alertmanager-api.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { fixture, NOW, source } from './fixtures.js';

const options = { now: NOW };

describe('parsePostableAlerts', () => {
  it('takes a Prometheus push: future endsAt is firing, past endsAt is resolved', () => {
    const { alerts, issues, timeouts } = parsePostableAlerts(fixture('alertmanager-api-prometheus.json'), source, options);

    expect(issues).toEqual([]);
    expect(alerts.map((alert) => [alert.labels.alertname, alert.status])).toEqual([
      ['KubePodCrashLooping', 'firing'],
      ['NodeFilesystemAlmostOutOfSpace', 'resolved'],
      ['Watchdog', 'firing'],
    ]);
    expect(timeouts).toEqual([false, false, false]);
  });

  it('keeps the sender timestamps, nanoseconds included, and the generator URL', () => {
    const { alerts } = parsePostableAlerts(fixture('alertmanager-api-prometheus.json'), source, options);

    expect(alerts[0]).toMatchObject({
      startsAt: '2026-11-25T09:47:30.123456789Z',
      endsAt: '2026-11-25T10:09:30.123456789Z',
      source: 'alertmanager-api',
      cluster: 'prod-eu',
    });
    expect(alerts[0]!.generatorURL).toMatch(/^http:\/\/prometheus-k8s-0:9090\/graph\?g0\.expr=/);
  });

  it('stamps the authenticated cluster over a payload cluster label and fingerprints the final labels', () => {
    const { alerts } = parsePostableAlerts([{ labels: { alertname: 'X', cluster: 'spoofed' } }], source, options);

    expect(alerts[0]!.labels).toEqual({ alertname: 'X', cluster: 'prod-eu' });
    expect(alerts[0]!.fingerprint).toBe(fingerprint({ alertname: 'X', cluster: 'prod-eu' }));
  });

  it('sets a missing startsAt to now and a missing endsAt to now + 5 minutes, flagging the timeout', () => {
    const { alerts, timeouts } = parsePostableAlerts([{ labels: { alertname: 'OnlyLabels' } }], source, options);

    expect(alerts[0]).toMatchObject({
      status: 'firing',
      startsAt: '2026-11-25T10:05:00.000Z',
      endsAt: '2026-11-25T10:10:00.000Z',
      annotations: {},
      generatorURL: '',
    });
    expect(timeouts).toEqual([true]);
  });

  it('uses the configured resolve timeout', () => {
    const { alerts } = parsePostableAlerts([{ labels: { alertname: 'X' } }], source, { now: NOW, resolveTimeoutMs: 60_000 });

    expect(alerts[0]!.endsAt).toBe('2026-11-25T10:06:00.000Z');
  });

  it('treats Go zero times, as amtool sends them, as not set', () => {
    const { alerts, timeouts } = parsePostableAlerts(fixture('alertmanager-api-amtool.json'), source, options);

    expect(alerts[0]).toMatchObject({ startsAt: '2026-11-25T10:05:00.000Z', endsAt: '2026-11-25T10:10:00.000Z', status: 'firing' });
    expect(timeouts).toEqual([true, true, false]);
  });

  it('starts a resolved alert sent without startsAt at its end, so it stays valid', () => {
    const { alerts } = parsePostableAlerts(fixture('alertmanager-api-amtool.json'), source, options);

    expect(alerts[2]).toMatchObject({ status: 'resolved', startsAt: '2026-11-25T10:00:00Z', endsAt: '2026-11-25T10:00:00Z' });
  });

  it('resolves an alert whose endsAt is exactly now', () => {
    const { alerts } = parsePostableAlerts([{ labels: { alertname: 'X' }, endsAt: '2026-11-25T10:05:00Z' }], source, options);

    expect(alerts[0]!.status).toBe('resolved');
  });

  it('removes labels with empty values', () => {
    const { alerts } = parsePostableAlerts(fixture('alertmanager-api-amtool.json'), source, options);

    expect(alerts[0]!.labels).toEqual({ alertname: 'ManualTest', severity: 'info', cluster: 'prod-eu' });
  });

  it('keeps unicode label and annotation values intact', () => {
    const { alerts, issues } = parsePostableAlerts(fixture('alertmanager-api-unicode.json'), source, options);

    expect(issues).toEqual([]);
    expect(alerts[0]!.labels).toMatchObject({ alertname: 'Ошибка диска', team: '运维 🚨', site: 'Zürich' });
    expect(alerts[0]!.annotations).toEqual({ summary: 'ディスクがいっぱいです', emoji: '🔥🔥🔥' });
  });

  it('keeps the valid alerts of a batch and names every invalid one by index and field', () => {
    const { alerts, issues } = parsePostableAlerts(fixture('alertmanager-api-invalid.json'), source, options);

    expect(alerts.map((alert) => alert.labels.alertname)).toEqual(['Good', 'AlsoGood']);
    expect(issues.map((issue) => [issue.index, issue.field])).toEqual([
      [1, '[1].labels.alert-name'],
      [2, '[2].labels.alertname'],
      [3, '[3].startsAt'],
      [4, '[4].labels'],
      [5, '[5].labels'],
      [6, '[6].startsAt'],
      [7, '[7]'],
      [8, '[8].annotations.summary.text'],
    ]);
    expect(issues[2]!.message).toBe('start time must be before end time');
  });

  it('refuses a label value that cannot be encoded as UTF-8', () => {
    const body = JSON.parse('[{"labels":{"alertname":"\\ud800"}}]') as unknown;

    const { alerts, issues } = parsePostableAlerts(body, source, options);

    expect(alerts).toEqual([]);
    expect(issues[0]).toMatchObject({ field: '[0].labels.alertname', message: 'value must be valid UTF-8' });
  });

  it('refuses the label name __proto__ instead of losing it', () => {
    const body = JSON.parse('[{"labels":{"alertname":"X","__proto__":"y"}}]') as unknown;

    const { issues } = parsePostableAlerts(body, source, options);

    expect(issues[0]).toMatchObject({ field: '[0].labels.__proto__', index: 0 });
  });

  it('keeps every alert of a 5,000-alert push', () => {
    const body = Array.from({ length: 5000 }, (_, i) => ({ labels: { alertname: 'Load', instance: `10.0.${i >> 8}.${i & 255}:9100` } }));

    const { alerts, issues } = parsePostableAlerts(body, source, options);

    expect(issues).toEqual([]);
    expect(alerts).toHaveLength(5000);
    expect(new Set(alerts.map((alert) => alert.fingerprint)).size).toBe(5000);
  });

  it('rejects a body that is not an array', () => {
    for (const body of [{ labels: { alertname: 'X' } }, null, 'x', 1]) {
      expect(() => parsePostableAlerts(body, source, options)).toThrowError(InvalidPayloadError);
    }
  });
});

describe('alertmanagerStatus', () => {
  it('answers with every field amtool dereferences, cluster disabled', () => {
    const status = alertmanagerStatus({ startedAt: new Date('2026-11-25T09:00:00Z'), version: '0.3.0' });

    expect(status.cluster).toEqual({ status: 'disabled', peers: [] });
    expect(status.uptime).toBe('2026-11-25T09:00:00.000Z');
    expect(Object.keys(status.versionInfo).sort()).toEqual(['branch', 'buildDate', 'buildUser', 'goVersion', 'revision', 'version']);
    expect(status.versionInfo.version).toBe('0.3.0');
    expect(status.config.original).toContain('route:');
    expect(status.config.original).toContain('receiver: tidings');
  });

  it('passes a given config through', () => {
    expect(alertmanagerStatus({ startedAt: NOW, version: 'x', configYaml: 'route: {}\n' }).config.original).toBe('route: {}\n');
  });
});
