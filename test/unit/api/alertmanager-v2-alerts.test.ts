import { describe, expect, it } from 'vitest';
import { ZERO_TIME } from '../../../lib/alert/alert.js';
import { fingerprint } from '../../../lib/alert/fingerprint.js';
import type { FiringAlert } from '../../../lib/configs/config-stores.js';
import { aReceiver } from '../../helpers/memory-stores.js';
import { memoryAlertmanager } from './alertmanager-v2-memory.js';

const now = new Date('2026-03-10T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const minute = 60_000;

/** A firing alert of team-a's namespace as the firing set holds it, received a minute ago. */
function firing(labels: Record<string, string>, overrides: Partial<FiringAlert> = {}): FiringAlert {
  const all = { cluster: 'prod', namespace: 'shop', ...labels };
  return { labels: all, annotations: {}, fingerprint: fingerprint(all), status: 'firing', startsAt: at(-10 * minute), endsAt: at(60 * minute), generatorURL: '', updatedAt: at(-minute), ...overrides };
}

// team-a: a-hook gets every alert grouped by alertname; b-hook warnings grouped by severity.
const receivers = [
  aReceiver({ accountId: 'acme', tenantId: 'team-a', name: 'a-hook', grouping: { groupBy: ['alertname'] } }),
  aReceiver({ accountId: 'acme', tenantId: 'team-a', name: 'b-hook', grouping: { groupBy: ['severity'] }, filter: { matchers: ['severity="warning"'] } }),
];
const alerts = {
  diskB: firing({ alertname: 'DiskFull', severity: 'warning', instance: 'node-b' }),
  diskA: firing({ alertname: 'DiskFull', severity: 'info', instance: 'node-a' }),
  latencyWeb: firing({ alertname: 'Latency', severity: 'info', job: 'web' }),
  latencyApi: firing({ alertname: 'Latency', severity: 'info', job: 'api', instance: 'i9' }),
  otherNamespace: firing({ alertname: 'DiskFull', severity: 'warning', namespace: 'payments' }),
};

async function get(path: string, contents: Parameters<typeof memoryAlertmanager>[1] = { firing: Object.values(alerts), receivers }) {
  const am = memoryAlertmanager(() => now, contents);
  const response = await am.call('GET', path);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as any[];
}

describe("a tenant's GET /api/v2/alerts", () => {
  it("lists the alerts of the tenant's namespaces by fingerprint, each with the receivers routing sends it to", async () => {
    const listed = await get('/api/v2/alerts');
    const expected = [alerts.diskB, alerts.diskA, alerts.latencyWeb, alerts.latencyApi].map((a) => a.fingerprint).sort();
    expect(listed.map((a) => a.fingerprint)).toEqual(expected);
    expect(listed.find((a) => a.fingerprint === alerts.diskB.fingerprint).receivers).toEqual([{ name: 'a-hook' }, { name: 'b-hook' }]);
    expect(listed.find((a) => a.fingerprint === alerts.diskA.fingerprint).receivers).toEqual([{ name: 'a-hook' }]);
  });

  it("shows the fields of Alertmanager 0.25's GettableAlert: times with milliseconds, no empty generatorURL, no mutedBy", async () => {
    const [alert] = await get('/api/v2/alerts', { firing: [firing({ alertname: 'X' }, { startsAt: '2026-03-10T11:50:00Z' })], receivers });
    expect(alert).toEqual({
      labels: { alertname: 'X', cluster: 'prod', namespace: 'shop' },
      annotations: {},
      startsAt: '2026-03-10T11:50:00.000Z',
      endsAt: at(60 * minute),
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      updatedAt: at(-minute),
      receivers: [{ name: 'a-hook' }],
      status: { state: 'active', silencedBy: [], inhibitedBy: [] },
    });
  });

  it('shows a webhook alert, which has no end, ending a day after it was last received, and leaves it out after that', async () => {
    const open = firing({ alertname: 'Open' }, { endsAt: ZERO_TIME, updatedAt: at(-minute) });
    const forgotten = firing({ alertname: 'Forgotten' }, { endsAt: ZERO_TIME, updatedAt: at(-25 * 60 * minute) });
    const listed = await get('/api/v2/alerts', { firing: [open, forgotten], receivers });
    expect(listed.map((a) => [a.labels.alertname, a.endsAt])).toEqual([['Open', at(-minute + 24 * 60 * minute)]]);
  });

  it('keeps alerts with a receiver matching the anchored regex, and reads state flags as Go does', async () => {
    expect((await get('/api/v2/alerts?receiver=b-hook')).map((a) => a.fingerprint)).toEqual([alerts.diskB.fingerprint]);
    expect(await get('/api/v2/alerts?receiver=b-')).toEqual([]);
    expect(await get('/api/v2/alerts?active=maybe')).toEqual([]);
    expect(await get('/api/v2/alerts?active=YES')).toHaveLength(4);
  });
});

describe("a tenant's GET /api/v2/alerts/groups", () => {
  it("groups per receiver by that receiver's groupBy, in Alertmanager's order", async () => {
    const groups = await get('/api/v2/alerts/groups');
    // Groups by their labels (a label name sorting first wins), then receiver; alerts by job, then instance, then labels.
    expect(groups.map((g) => [g.receiver.name, g.labels, g.alerts.map((a: any) => a.fingerprint)])).toEqual([
      ['b-hook', { severity: 'warning' }, [alerts.diskB.fingerprint]],
      ['a-hook', { alertname: 'DiskFull' }, [alerts.diskA.fingerprint, alerts.diskB.fingerprint]],
      ['a-hook', { alertname: 'Latency' }, [alerts.latencyApi.fingerprint, alerts.latencyWeb.fingerprint]],
    ]);
  });

  it('keeps only the groups of matching receivers, and trims the receivers each alert lists to them', async () => {
    const groups = await get('/api/v2/alerts/groups?receiver=b-hook');
    expect(groups).toHaveLength(1);
    expect(groups[0].alerts[0].receivers).toEqual([{ name: 'b-hook' }]);
  });
});

describe('refusals of the alert calls', () => {
  it.each(['/api/v2/alerts?filter=alertname%3D%22x', '/api/v2/alerts/groups?receiver=%5B', '/api/v2/alerts?filter=alertname%3D~%22%5B%22'])(
    '%s answers 400 with the reason as a JSON string',
    async (path) => {
      const response = await memoryAlertmanager(() => now, { firing: Object.values(alerts), receivers }).call('GET', path);
      expect(response.status).toBe(400);
      expect(typeof response.body).toBe('string');
    },
  );
});
