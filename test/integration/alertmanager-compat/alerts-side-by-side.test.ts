import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../infra/local/stack.js';
import { startHttpReceiver } from '../../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../../helpers/local-stack.js';
import { amtool, amtoolBearer, missingAlertmanager, startAlertmanager, type RunningServer } from './real-alertmanager.js';

/**
 * The same alerts, silence and inhibit rule in a real Alertmanager 0.25 and
 * in a tenant of tidings (local stack, alerts pushed to its ingest as
 * Prometheus pushes them), then every alert call amtool and Grafana make,
 * compared field by field. Alertmanager routes every alert to `a-hook`
 * grouping by alertname and warnings also to `b-hook` grouping by severity;
 * the tenant has the same two receivers (b-hook with a filter), so receivers
 * and groups compare as they are. What must differ is said where it
 * is normalised: `updatedAt` (when each received the alert), silence ids, and
 * the end shown for an alert sent without one.
 */
if (missingAlertmanager !== undefined) console.warn(missingAlertmanager);

const accountId = 'amcompat';
const minute = 60_000;

const alertmanagerConfig = `
route:
  receiver: a-hook
  group_by: [alertname]
  routes:
    - receiver: a-hook
      continue: true
    - receiver: b-hook
      group_by: [severity]
      matchers: [severity="warning"]
receivers:
  - name: a-hook
  - name: b-hook
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
`;

let stack: LocalStack;
let hooks: Awaited<ReturnType<typeof startHttpReceiver>>;
let real: RunningServer;
/** The tenant's Alertmanager base URL on the stack. */
let tenantAm: string;
let tenantKey: string;
let bearer: Awaited<ReturnType<typeof amtoolBearer>> | undefined;
const silenceComments = new Map<string, string>();

/** Prometheus' push: several groups; one inhibited, one silenced, one resolved, one without an end. */
function theAlerts() {
  const now = Date.now();
  const at = (offset: number) => new Date(now + offset).toISOString();
  const base = { cluster: 'prod-eu', namespace: 'shop' };
  return [
    { labels: { ...base, alertname: 'DiskFull', severity: 'critical', instance: 'node-b' }, annotations: { summary: 'disk full on b' }, startsAt: at(-10 * minute), endsAt: at(60 * minute), generatorURL: 'http://prometheus/graph?g0.expr=disk' },
    { labels: { ...base, alertname: 'DiskFull', severity: 'warning', instance: 'node-a' }, annotations: { summary: 'disk filling on a' }, startsAt: at(-9 * minute), endsAt: at(60 * minute) },
    { labels: { ...base, alertname: 'NetDown', severity: 'warning', job: 'edge' }, annotations: { summary: 'network down' }, startsAt: at(-8 * minute), endsAt: at(60 * minute) },
    { labels: { ...base, alertname: 'Latency', severity: 'warning', job: 'api', instance: 'i2' }, annotations: {}, startsAt: at(-7 * minute), endsAt: at(60 * minute) },
    { labels: { ...base, alertname: 'Latency', severity: 'info', job: 'api', instance: 'i1' }, annotations: { summary: 'slow' }, startsAt: at(-6 * minute), endsAt: at(60 * minute) },
    { labels: { ...base, alertname: 'Latency', severity: 'info', job: 'web' }, annotations: {}, startsAt: at(-5 * minute), endsAt: at(60 * minute) },
    { labels: { ...base, alertname: 'MemoryHigh', severity: 'warning' }, annotations: {}, startsAt: at(-20 * minute), endsAt: at(-minute) },
    { labels: { ...base, alertname: 'NoEnd', severity: 'info' }, annotations: {}, startsAt: at(-4 * minute) },
  ];
}
const firingCount = 7;

async function call(server: 'am' | 'tidings', path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const url = server === 'am' ? `${real.url}${path}` : `${tenantAm}${path}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(server === 'tidings' ? { authorization: `Bearer ${tenantKey}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * An alert with what must differ taken out: `updatedAt` (each system's own
 * receive time), silence ids (named by their comment), and so the end of an
 * alert pushed without one, which both set to 5 minutes (Alertmanager's
 * resolve_timeout) after their own receive time.
 */
function comparable(alert: any, system: 'am' | 'tidings') {
  const { updatedAt, ...rest } = alert;
  expect(Date.parse(updatedAt), 'updatedAt is a time').not.toBeNaN();
  if (alert.labels.alertname === 'NoEnd') {
    expect(Date.parse(alert.endsAt) - Date.parse(updatedAt), system).toBe(5 * minute);
    rest.endsAt = '<receive time + 5 minutes>';
  }
  rest.status = { ...alert.status, silencedBy: alert.status.silencedBy.map((id: string) => silenceComments.get(id) ?? `unknown silence ${id}`) };
  return rest;
}

async function onBoth(path: string) {
  const [am, tidings] = await Promise.all([call('am', path), call('tidings', path)]);
  return { am, tidings };
}

function comparableList(body: any[], system: 'am' | 'tidings') {
  return body.map((alert) => comparable(alert, system));
}
function comparableGroups(body: any[], system: 'am' | 'tidings') {
  return body.map((group) => ({ ...group, alerts: comparableList(group.alerts, system) }));
}

describe.skipIf(missingAlertmanager !== undefined)('alerts, alert groups, status and receivers: tidings beside Alertmanager 0.25', () => {
  beforeAll(async () => {
    hooks = await startHttpReceiver();
    [stack, real] = await Promise.all([startTestStack(), startAlertmanager(alertmanagerConfig)]);
    const admin = adminClient(stack);
    const cluster = await admin.createCluster(accountId, 'prod-eu');
    const put = async (path: string, body: unknown) => {
      const response = await admin.call('PUT', `/v1/accounts/${accountId}${path}`, body);
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    await put('/tenants/team-a', { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] });
    await put('/tenants/team-a/receivers/a-hook', { channel: 'webhook', settings: { url: `${hooks.url}/a` }, grouping: { groupBy: ['alertname'], groupWait: '1h' } });
    await put('/tenants/team-a/receivers/b-hook', {
      channel: 'webhook',
      settings: { url: `${hooks.url}/b` },
      grouping: { groupBy: ['severity'], groupWait: '1h' },
      filter: { matchers: ['severity="warning"'] },
    });
    await put('/tenants/team-a/inhibit-rules/severity', { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname'] });
    tenantKey = (await admin.call('POST', `/v1/accounts/${accountId}/tenants/team-a/keys`)).body.key;
    tenantAm = `${stack.httpUrl}/v1/accounts/${accountId}/tenants/team-a/alertmanager`;
    bearer = await amtoolBearer(tenantKey);

    const alerts = theAlerts();
    const [toAm, toTidings] = await Promise.all([
      call('am', '/api/v2/alerts', { method: 'POST', body: alerts }),
      fetch(`${stack.httpUrl}/ingest/${cluster.id}/api/v2/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      }),
    ]);
    expect(toAm.status).toBe(200);
    expect(toTidings.status).toBe(200);
    const silence = {
      matchers: [{ name: 'alertname', value: 'NetDown', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 60 * minute).toISOString(),
      createdBy: 'side-by-side',
      comment: 'network maintenance',
    };
    for (const server of ['am', 'tidings'] as const) {
      const response = await call(server, '/api/v2/silences', { method: 'POST', body: silence });
      expect(response.status).toBe(200);
      silenceComments.set(response.body.silenceID, silence.comment);
    }
    // Positive signals: tidings has routed every alert; Alertmanager's inhibitor has seen its source.
    await eventually(async () => ((await call('tidings', '/api/v2/alerts')).body.length === firingCount ? true : undefined), 60_000, 'tidings to list every firing alert');
    await eventually(
      async () => ((await call('am', '/api/v2/alerts')).body.some((a: any) => a.status.inhibitedBy.length > 0) ? true : undefined),
      30_000,
      'Alertmanager to inhibit',
    );
    // A stack, an Alertmanager and the pipeline's first pass on a shared two-core machine.
  }, 150_000);
  afterAll(async () => {
    await Promise.all([real?.stop(), stack?.stop(), hooks?.close(), bearer?.remove()]);
  });

  // amtool's and Grafana's parameters: Grafana sends each state flag as true/false and matchers quoted.
  const queries = [
    '',
    '?active=true&silenced=true&inhibited=true&unprocessed=true',
    '?active=false',
    '?silenced=false',
    '?inhibited=false',
    '?silenced=false&inhibited=false',
    '?active=false&silenced=false',
    '?active=false&inhibited=false',
    '?unprocessed=false',
    // Go reads a handful of words as true and everything else as false.
    '?active=maybe&silenced=1',
    '?inhibited=No&active=YES',
    `?filter=${encodeURIComponent('alertname="DiskFull"')}`,
    `?filter=${encodeURIComponent('severity=~"warn.*"')}&filter=${encodeURIComponent('job="api"')}`,
    `?filter=${encodeURIComponent('alertname!="DiskFull"')}&silenced=false`,
    `?filter=${encodeURIComponent('instance!~"node-.*"')}`,
    `?filter=${encodeURIComponent('alertname=~"Latency|NetDown"')}&active=true&silenced=false&inhibited=false`,
    '?receiver=a-hook',
    '?receiver=b-hook&silenced=false',
    '?receiver=a-.*',
    '?receiver=a-',
    '?receiver=nobody',
  ];

  it('lists the same firing alerts in the same order with the same fields', async () => {
    const { am, tidings } = await onBoth('/api/v2/alerts');
    expect(am.body).toHaveLength(firingCount);
    expect(comparableList(tidings.body, 'tidings')).toEqual(comparableList(am.body, 'am'));
  });

  it.each(queries)('GET /api/v2/alerts%s answers the same', async (query) => {
    const { am, tidings } = await onBoth(`/api/v2/alerts${query}`);
    expect(tidings.status).toBe(am.status);
    expect(comparableList(tidings.body, 'tidings')).toEqual(comparableList(am.body, 'am'));
  });

  it.each(queries.filter((q) => !q.includes('unprocessed')))('GET /api/v2/alerts/groups%s answers the same groups', async (query) => {
    const { am, tidings } = await onBoth(`/api/v2/alerts/groups${query}`);
    expect(tidings.status).toBe(am.status);
    expect(comparableGroups(tidings.body, 'tidings')).toEqual(comparableGroups(am.body, 'am'));
  });

  it.each([
    ['an unparsable filter', `?filter=${encodeURIComponent('alertname="x')}`],
    ['an unparsable receiver regex', `?receiver=${encodeURIComponent('[')}`],
  ])('refuses %s with 400 and the reason as a JSON string on both', async (_name, query) => {
    for (const path of ['/api/v2/alerts', '/api/v2/alerts/groups']) {
      const { am, tidings } = await onBoth(`${path}${query}`);
      expect(am.status, `${path}${query}`).toBe(400);
      expect(tidings.status, `${path}${query}`).toBe(400);
      expect(typeof am.body).toBe('string');
      expect(typeof tidings.body).toBe('string');
    }
  });

  it("lists silences as Grafana asks for them (with its ruleMetadata and accesscontrol parameters, which Alertmanager ignores)", async () => {
    const { am, tidings } = await onBoth('/api/v2/silences?ruleMetadata=true&accesscontrol=true');
    expect(tidings.status).toBe(am.status);
    // Ids and the times each stored the silence are each system's own; a start in the past becomes the time of the POST on both.
    const comparableSilence = ({ id, updatedAt, startsAt, ...rest }: any) => {
      for (const time of [updatedAt, startsAt]) expect(Date.parse(time)).not.toBeNaN();
      return { ...rest, comment: silenceComments.get(id) === rest.comment ? rest.comment : `unknown id ${id}` };
    };
    expect(tidings.body.map(comparableSilence)).toEqual(am.body.map(comparableSilence));
  });

  it('answers the same receivers', async () => {
    const { am, tidings } = await onBoth('/api/v2/receivers');
    expect(tidings).toEqual(am);
  });

  it('answers the status with the same fields; only the version and the configuration text are tidings own', async () => {
    const { am, tidings } = await onBoth('/api/v2/status');
    expect(tidings.status).toBe(200);
    expect(tidings.body.cluster).toEqual(am.body.cluster);
    expect(Object.keys(tidings.body).sort()).toEqual(Object.keys(am.body).sort());
    expect(Object.keys(tidings.body.versionInfo).sort()).toEqual(Object.keys(am.body.versionInfo).sort());
    expect(Object.keys(tidings.body.config)).toEqual(Object.keys(am.body.config));
    expect(typeof tidings.body.config.original).toBe('string');
    expect(Date.parse(tidings.body.uptime)).not.toBeNaN();
  });

  it.each([[[]], [['-a']], [['-s']], [['-i']], [['-s', '-i']], [['-a', '-s', '-i']], [['-u']], [['DiskFull']], [['-i', 'alertname=DiskFull']], [['-s', 'alertname=~Net.*']], [['-a', 'severity!=info']], [['-r', 'a-hook', '-s', '-i']], [['-r', 'b-hook']]])(
    'amtool alert query %j prints the same alerts from both',
    async (args) => {
      const [fromAm, fromTidings] = await Promise.all([
        amtool(real.url, 'alert', 'query', '-o', 'json', ...args),
        amtool(tenantAm, bearer!.flag, 'alert', 'query', '-o', 'json', ...args),
      ]);
      expect(comparableList(JSON.parse(fromTidings), 'tidings')).toEqual(comparableList(JSON.parse(fromAm), 'am'));
      const [simpleAm, simpleTidings] = await Promise.all([
        amtool(real.url, 'alert', 'query', ...args),
        amtool(tenantAm, bearer!.flag, 'alert', 'query', ...args),
      ]);
      expect(simpleTidings).toBe(simpleAm);
    },
  );

  it("shows the operator's Alertmanager the same alerts, with tenant receivers named tenant/receiver", async () => {
    const response = await fetch(`${stack.httpUrl}/v1/accounts/${accountId}/alertmanager/api/v2/alerts`, { headers: { authorization: 'Bearer test-admin-key' } });
    const alerts = (await response.json()) as any[];
    const tenantView = (await call('tidings', '/api/v2/alerts')).body as any[];
    expect(alerts.map((a) => a.fingerprint)).toEqual(tenantView.map((a) => a.fingerprint));
    expect(new Set(alerts.flatMap((a) => a.receivers.map((r: { name: string }) => r.name)))).toEqual(new Set(['team-a/a-hook', 'team-a/b-hook']));
  });
});
