import { describe, expect, it } from 'vitest';
import { equalityMatcher, groupAlerts } from '../../../console/src/grouping.js';
import type { AmAlert } from '../../../console/src/types.js';

function anAlert(labels: Record<string, string>, overrides: Partial<AmAlert> = {}): AmAlert {
  return {
    labels,
    annotations: {},
    startsAt: '2026-12-02T10:00:00Z',
    endsAt: '2026-12-02T11:00:00Z',
    updatedAt: '2026-12-02T10:00:00Z',
    fingerprint: Object.values(labels).join('-'),
    generatorURL: '',
    receivers: [{ name: 'tidings/team-a' }],
    status: { state: 'active', silencedBy: [], inhibitedBy: [] },
    ...overrides,
  };
}

describe('groupAlerts', () => {
  it('groups alerts of one receiver by the values of the group-by labels, in a stable order', () => {
    const alerts = [
      anAlert({ alertname: 'B', pod: 'p1' }),
      anAlert({ alertname: 'A', pod: 'p2' }),
      anAlert({ alertname: 'B', pod: 'p3' }, { startsAt: '2026-12-02T09:00:00Z' }),
    ];

    const groups = groupAlerts(alerts, ['alertname']);

    expect(groups.map((g) => [g.receiver, g.labels, g.alerts.map((a) => a.labels.pod)])).toEqual([
      ['tidings/team-a', { alertname: 'A' }, ['p2']],
      ['tidings/team-a', { alertname: 'B' }, ['p3', 'p1']],
    ]);
  });

  it('puts alerts that lack a group-by label together, without that label, as Alertmanager does', () => {
    const groups = groupAlerts([anAlert({ alertname: 'A', node: 'n1' }), anAlert({ alertname: 'A' })], ['alertname', 'node']);

    expect(groups.map((g) => g.labels)).toEqual([{ alertname: 'A' }, { alertname: 'A', node: 'n1' }]);
  });

  it('makes one group of everything with no group-by labels, and one group per label set with "..."', () => {
    const alerts = [anAlert({ alertname: 'A', pod: 'p1' }), anAlert({ alertname: 'A', pod: 'p2' })];

    expect(groupAlerts(alerts, [])).toHaveLength(1);
    expect(groupAlerts(alerts, ['...']).map((g) => g.labels)).toEqual([
      { alertname: 'A', pod: 'p1' },
      { alertname: 'A', pod: 'p2' },
    ]);
  });

  it('lists an alert under each receiver it goes to', () => {
    const groups = groupAlerts([anAlert({ alertname: 'A' }, { receivers: [{ name: 'x' }, { name: 'y' }] })], ['alertname']);

    expect(groups.map((g) => g.receiver)).toEqual(['x', 'y']);
  });
});

describe('equalityMatcher', () => {
  it('quotes and escapes the value as a matcher reads it', () => {
    expect(equalityMatcher('summary', 'say "hi" \\ bye')).toBe('summary="say \\"hi\\" \\\\ bye"');
  });
});
