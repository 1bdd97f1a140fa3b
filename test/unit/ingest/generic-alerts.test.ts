import { describe, expect, it } from 'vitest';
import { parseGenericAlerts } from '../../../lib/ingest/generic-alerts.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { fixture, NOW, source } from './fixtures.js';

const options = { now: NOW };

describe('parseGenericAlerts', () => {
  it('accepts a single alert object and fills what scripts leave out', () => {
    const { alerts, issues } = parseGenericAlerts({ labels: { alertname: 'BackupFailed' } }, source, options);

    expect(issues).toEqual([]);
    expect(alerts[0]).toMatchObject({
      labels: { alertname: 'BackupFailed', cluster: 'prod-eu' },
      annotations: {},
      status: 'firing',
      startsAt: '2026-11-25T10:05:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      source: 'generic',
    });
  });

  it('takes the explicit status, ending a resolved alert now', () => {
    const { alerts } = parseGenericAlerts(fixture('generic-alerts.json'), source, options);

    expect(alerts[1]).toMatchObject({ status: 'resolved', endsAt: '2026-11-25T10:05:00.000Z' });
    expect(alerts[2]).toMatchObject({ status: 'firing', endsAt: '2026-11-26T09:00:00Z', generatorURL: 'https://ci.example.com/jobs/42' });
  });

  it('derives resolved from a past endsAt when no status is given', () => {
    const { alerts } = parseGenericAlerts(fixture('generic-alerts.json'), source, options);

    expect(alerts[3]).toMatchObject({ status: 'resolved', startsAt: '2026-11-25T10:00:00Z', endsAt: '2026-11-25T10:00:00Z' });
  });

  it('names invalid items of an array by index and keeps the rest', () => {
    const { alerts, issues } = parseGenericAlerts(fixture('generic-alerts.json'), source, options);

    expect(alerts).toHaveLength(4);
    expect(issues).toEqual([expect.objectContaining({ field: '[4].status', index: 4 })]);
  });

  it('names fields of a single object without an index', () => {
    const { issues } = parseGenericAlerts({ labels: { 'bad name': 'x' } }, source, options);

    expect(issues).toEqual([{ field: 'labels.bad name', message: expect.stringMatching(/name must match/) }]);
  });

  it('refuses startsAt after endsAt', () => {
    const { issues } = parseGenericAlerts(
      { labels: { alertname: 'X' }, startsAt: '2026-11-25T10:00:00Z', endsAt: '2026-11-25T09:00:00Z' },
      source,
      options,
    );

    expect(issues).toEqual([{ field: 'startsAt', message: 'start time must be before end time' }]);
  });

  it('rejects bodies that are neither an object nor an array', () => {
    for (const body of [null, 'alert', 3, true]) {
      expect(() => parseGenericAlerts(body, source, options)).toThrowError(InvalidPayloadError);
    }
  });
});
