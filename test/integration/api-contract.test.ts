import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { LocalStack } from '../../infra/local/stack.js';
import { apiRoutes } from '../../lib/api/api-routes.js';
import { documentedOperations, openApiDocument } from '../../lib/api/openapi.js';
import { channelRegistry } from '../../lib/notify/channel-registry.js';
import type { ValidateFunction } from 'ajv';
import { documentValidator } from '../helpers/openapi-validator.js';
import { compilePathPattern } from '../../lib/http/path-pattern.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';
import { ingestedFingerprint, settledPath } from '../helpers/pipeline-signals.js';

/**
 * Every operation of the admin API called on the local stack, each 2xx answer
 * parsed with the schema its contract documents for that status (strict
 * objects: a field the document does not name fails). Then: every documented
 * operation was answered at least once.
 */
let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let prometheus: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;

const operations = documentedOperations(apiRoutes).map((operation) => ({ operation, match: compilePathPattern(operation.path) }));
/** `METHOD path` of each documented operation that gave a 2xx answer its schema accepts. */
const checked = new Set<string>();
/** GET /v1/openapi.json, as the stack serves it. */
let servedDocument: any;
const validators = new Map<string, ValidateFunction>();
let ajv: ReturnType<typeof documentValidator> | undefined;

/** Calls the API and holds a 2xx answer to the documented schema; answers the body. */
async function call(method: string, path: string, body?: unknown, expectedStatus?: number): Promise<any> {
  const response = await admin.call(method, path, body);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(expectedStatus ?? response.status);
  expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  const pathOnly = path.split('?')[0]!;
  const found = operations.find(({ operation, match }) => operation.method === method && match(pathOnly) !== undefined);
  expect(found, `${method} ${pathOnly} is documented`).toBeDefined();
  const schema = found!.operation.contract?.responses[response.status];
  expect(schema, `${method} ${found!.operation.path} documents ${response.status}`).not.toBeUndefined();
  if (schema === null) expect(response.body).toBeUndefined();
  else {
    const parsed = (schema as z.ZodType).safeParse(response.body);
    expect(parsed.error?.issues ?? [], `${method} ${path} answer: ${JSON.stringify(response.body).slice(0, 2000)}`).toEqual([]);
    // And against the document as served, through a JSON Schema validator of its own.
    const key = `${method} ${found!.operation.path} ${response.status}`;
    const served = servedDocument.paths[found!.operation.path]?.[method.toLowerCase()]?.responses[response.status]?.content?.['application/json']?.schema;
    expect(served, key).toBeDefined();
    ajv ??= documentValidator(servedDocument);
    const validate = validators.get(key) ?? ajv.compile(served);
    validators.set(key, validate);
    expect(validate(response.body) ? [] : validate.errors, `${key}: ${JSON.stringify(response.body).slice(0, 2000)}`).toEqual([]);
  }
  checked.add(`${method} ${found!.operation.path}`);
  return response.body;
}

const account = 'contract';
const A = `/v1/accounts/${account}`;
const T = `${A}/tenants/team-a`;

/**
 * A Prometheus stand-in for dry runs (`POST /api/v1/query`, form-encoded, as
 * tidings queries): one series of pod web-1 in prod-eu's shop namespace for
 * every query, valued +Inf for a ratio (a zero denominator), as Prometheus writes it.
 */
function prometheusAnswer(form: URLSearchParams) {
  const query = form.get('query') ?? '';
  const value = query.includes(' / ') ? '+Inf' : '3';
  const metric = { cluster: 'prod-eu', namespace: 'shop', pod: 'web-1', node: 'n1' };
  return { status: 'success', data: { resultType: 'vector', result: [{ metric, value: [Number(form.get('time')), value] }] } };
}

beforeAll(async () => {
  receiver = await startHttpReceiver();
  prometheus = await startHttpReceiver((request) =>
    request.path === '/api/v1/query' ? { status: 200, body: JSON.stringify(prometheusAnswer(new URLSearchParams(request.body))), headers: { 'content-type': 'application/json' } } : { status: 404 },
  );
  stack = await startTestStack();
  admin = adminClient(stack);
  servedDocument = (await admin.call('GET', '/v1/openapi.json')).body;
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all([receiver?.close(), prometheus?.close()]);
});

describe('every answer of the admin API matches its OpenAPI schema', () => {
  it('clusters, settings, tenants and workspaces', async () => {
    const cluster = await call('POST', `${A}/clusters`, { name: 'prod-eu' }, 201);
    await call('GET', `${A}/clusters`);
    const rotated = await call('POST', `${A}/clusters/${cluster.id}/tokens`, { overlap: '1h' }, 201);
    const older = rotated.tokens.find((t: { id: string | null }) => t.id !== null && t.id !== rotated.tokens.at(-1).id) ?? rotated.tokens[0];
    await call('DELETE', `${A}/clusters/${cluster.id}/tokens/${older.id}`, undefined, 204);
    await call('POST', `${A}/clusters/${cluster.id}/signing-secrets`, undefined, 201);
    await call('DELETE', `${A}/clusters/${cluster.id}/signing-secrets`, undefined, 204);
    await call('GET', `${A}/settings`);
    await call('PUT', `${A}/settings`, { grouping: { groupWait: '0s' } });
    await call('PUT', `${A}/workspaces/fin`, { namespaces: [{ cluster: 'prod-eu', namespace: 'payments' }] }, 201);
    await call('GET', `${A}/workspaces`);
    await call('GET', `${A}/workspaces/fin`);
    await call('PUT', T, { displayName: 'Team A', bindings: [{ cluster: 'prod-eu', namespace: 'shop' }], workspaces: ['fin'] }, 201);
    await call('PUT', T, { displayName: 'Team A', bindings: [{ cluster: 'prod-eu', namespace: 'shop' }], workspaces: ['fin'] }, 200);
    await call('GET', `${A}/tenants`);
    await call('GET', T);
    const key = await call('POST', `${T}/keys`, undefined, 201);
    await call('DELETE', `${T}/keys/${key.id}`, undefined, 204);
  });

  const scopes = [
    ['global', A],
    ['tenant', T],
  ] as const;

  it.each(scopes)('receivers, configs, template sets and language packs (%s)', async (_scope, base) => {
    const hook = { channel: 'webhook', settings: { url: `${receiver.url}/contract` }, grouping: { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s' }, filter: { matchers: ['severity!="none"'] }, presentation: { language: 'en' } };
    await call('PUT', `${base}/receivers/hook`, hook, 201);
    await call('PUT', `${base}/receivers/hook`, hook, 200);
    await call('GET', `${base}/receivers`);
    await call('GET', `${base}/receivers/hook`);
    expect((await call('POST', `${base}/receivers/hook/test`)).ok).toBe(true);
    await call('PUT', `${base}/configs/hooks`, { channel: 'webhook', labels: { team: 'a' }, settings: { url: `${receiver.url}/config` } }, 201);
    await call('GET', `${base}/configs`);
    await call('DELETE', `${base}/configs/hooks`, undefined, 204);
    await call('PUT', `${base}/template-sets/short`, { templates: { title: '{{toUpper status}}' } }, 201);
    await call('GET', `${base}/template-sets`);
    await call('DELETE', `${base}/template-sets/short`, undefined, 204);
    await call('PUT', `${base}/language-packs/de`, { dictionary: { Firing: 'Aktiv' } }, 201);
    await call('GET', `${base}/language-packs`);
  });

  it.each(scopes)('silences, inhibit rules, explain, rules and their dry run (%s)', async (_scope, base) => {
    const silence = await call('POST', `${base}/silences`, { matchers: ['alertname="Muted"'], endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'ops', comment: 'c' }, 201);
    await call('POST', `${base}/silences`, { matchers: ['alertname="Nightly"'], schedule: { cron: '0 2 * * *', duration: '1h' }, createdBy: 'ops', comment: 'nightly' }, 201);
    await call('GET', `${base}/silences`);
    await call('GET', `${base}/silences/${silence.id}`);
    await call('PUT', `${base}/silences/${silence.id}`, { matchers: ['alertname="Muted"'], permanent: true, createdBy: 'ops', comment: 'for good' });
    // Expiring a permanent silence ends it (it was a 500: the stored `permanent` outlived the expiry).
    const expired = await call('DELETE', `${base}/silences/${silence.id}`);
    expect(expired.permanent).toBeUndefined();
    expect(Date.parse(expired.endsAt)).toBeLessThanOrEqual(Date.now());
    expect((await call('GET', `${base}/silences/${silence.id}`)).status.state).toBe('expired');
    await call('PUT', `${base}/inhibit-rules/node`, { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity="warning"'], equal: ['alertname'] }, 201);
    await call('GET', `${base}/inhibit-rules`);
    await call('POST', `${base}/explain`, { labels: { alertname: 'X', severity: 'warning', cluster: 'prod-eu', namespace: 'shop' } });

    await call('PUT', `${base}/rule-definitions`, { macros: { backoff: 'reason = "BackOff"' } });
    await call('GET', `${base}/rule-definitions`);
    await call('PUT', `${base}/rules/backoff`, { signal: 'event', condition: '${backoff}', scope: { level: 'namespace', namespace: 'shop' }, resolveAfterSeconds: 600 }, 201);
    await call('GET', `${base}/rules`);
    await call('GET', `${base}/rules/backoff`);
    const event = JSON.parse(readFileSync('test/fixtures/kubernetes/core-v1-events.json', 'utf8')).crashLoopBackOff;
    const report = await call('POST', `${base}/rules-dry-run`, { event, cluster: 'prod-eu' });
    expect(report.alerts.length, JSON.stringify(report)).toBeGreaterThan(0);
    await call('DELETE', `${base}/rules/backoff`, undefined, 204);
  });

  it.each(scopes)('the Alertmanager API (%s)', async (_scope, base) => {
    const am = `${base}/alertmanager/api/v2`;
    await call('GET', `${am}/status`);
    await call('GET', `${am}/receivers`);
    await call('GET', `${am}/alerts?active=true&filter=${encodeURIComponent('alertname!="x"')}`);
    await call('GET', `${am}/alerts/groups`);
    const posted = await call('POST', `${am}/silences`, {
      matchers: [{ name: 'alertname', value: 'AmMuted', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: 'amtool',
      comment: 'from amtool',
    });
    await call('GET', `${am}/silences`);
    await call('GET', `${am}/silence/${posted.silenceID}`);
    await call('DELETE', `${am}/silence/${posted.silenceID}`);
  });

  it('history, alert paths and the Alertmanager alert lists with an alert that was notified', async () => {
    const cluster = await admin.createCluster(`${account}-h`, 'prod-eu');
    const H = `/v1/accounts/${account}-h`;
    await call('PUT', `${H}/tenants/team-a`, { bindings: [{ cluster: 'prod-eu', namespace: 'shop' }] }, 201);
    await call('PUT', `${H}/tenants/team-a/receivers/hook`, { channel: 'webhook', settings: { url: `${receiver.url}/h` }, grouping: { groupBy: ['alertname'], groupWait: '0s' } }, 201);
    const labels = { alertname: 'ContractCheck', severity: 'warning', namespace: 'shop' };
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels, startsAt: new Date().toISOString() })])),
    });
    expect(response.status).toBe(200);
    const fingerprint = ingestedFingerprint(labels, 'prod-eu');
    await settledPath(admin, `${account}-h`, fingerprint);
    for (const base of [H, `${H}/tenants/team-a`]) {
      const history = await eventually(async () => {
        const page = await call('GET', `${base}/history?limit=10`);
        return page.items.length > 0 ? page : undefined;
      });
      expect(history.items[0].fingerprints).toContain(fingerprint);
      await call('GET', `${base}/history?status=sent&alertname=ContractCheck&from=2026-01-01T00:00:00Z`);
      const path = await call('GET', `${base}/alerts/${fingerprint}/history`);
      expect(path.items.map((e: { stage: string }) => e.stage)).toEqual(expect.arrayContaining(['received', 'routed', 'notified']));
      const alerts = await call('GET', `${base}/alertmanager/api/v2/alerts`);
      const shown = alerts.find((a: { fingerprint: string }) => a.fingerprint === fingerprint);
      // A webhook alert has no end: shown ending when the firing set lets it go, a day after it was last received.
      expect(Date.parse(shown.endsAt) - Date.parse(shown.updatedAt)).toBe(24 * 3600_000);
      const groups = await call('GET', `${base}/alertmanager/api/v2/alerts/groups`);
      expect(groups.length).toBeGreaterThan(0);
    }
  });

  it('metric rule groups at each level, their dry runs against the cluster\'s metrics endpoint, and the endpoint', async () => {
    const cluster = (await call('GET', `${A}/clusters`)).items.find((c: { name: string }) => c.name === 'prod-eu');
    const endpointPath = `${A}/clusters/${cluster.id}/metrics-endpoint`;
    await call('PUT', endpointPath, { url: prometheus.url, externalLabels: { region: 'eu' } }, 201);
    const endpoint = await call('PUT', endpointPath, { url: prometheus.url, type: 'thanos', bearerToken: 'prom-secret', externalLabels: { region: 'eu' }, evaluationInterval: '30s' }, 200);
    expect(endpoint.authorization).toBe('<secret>');
    expect(JSON.stringify(await call('GET', endpointPath))).not.toContain('prom-secret');

    // A tenant's group for a namespace it is bound to: an expression, a workload builder, and levels (which make an inhibit rule).
    const namespaceGroup = {
      namespace: 'shop',
      cluster: 'prod-eu',
      interval: '1m',
      rules: [
        { alert: 'ErrorRatioHigh', expr: 'sum by (pod) (rate(http_errors_total[5m])) / sum by (pod) (rate(http_requests_total[5m])) > 0.05', for: '5m', labels: { team: 'a' }, annotations: { summary: '{{ $labels.pod }}: {{ $value }} of requests fail' } },
        { alert: 'WebCpuHigh', exprBuilder: { workload: { kind: 'deployment', names: ['web'], comparator: '>=', metricThreshold: { cpu: { usage: 0.8 } } } }, severity: 'critical' },
        { alert: 'Restarts', expr: 'sum by (pod) (increase(kube_pod_container_status_restarts_total[15m]))', levels: [{ comparator: '>', threshold: 5, severity: 'critical' }, { comparator: '>', threshold: 1, severity: 'warning' }], inhibitLabels: ['pod'] },
      ],
    };
    const clusterGroup = {
      cluster: 'prod-eu',
      rules: [
        { alert: 'NodeCpuHigh', exprBuilder: { node: { names: ['n1'], comparator: '>', cpu: { utilization: 0.9 } } }, severity: 'critical' },
        { alert: 'NodeExporterDown', expr: 'up{job="node-exporter"} == 0', for: '2m', keep_firing_for: '5m', disable: true },
      ],
    };
    const globalGroup = {
      clusterSelector: { inValues: ['prod-eu', 'prod-us'] },
      namespaceSelector: { matcher: { type: '=~', value: 'kube-.*' } },
      rules: [{ alert: 'PodCrashLooping', expr: 'increase(kube_pod_container_status_restarts_total[15m]) > 3', annotations: { runbook_url: 'https://runbooks.example/crashloop' } }],
    };
    const levels = [
      [`${T}/rule-groups`, namespaceGroup, ''],
      [`${A}/cluster-rule-groups`, clusterGroup, ''],
      [`${A}/global-rule-groups`, globalGroup, '?cluster=prod-eu'],
    ] as const;
    for (const [collection, group, query] of levels) {
      const stored = await call('PUT', `${collection}/checks`, group, 201);
      expect((await call('PUT', `${collection}/checks`, { ...group, interval: '2m', enabled: false }, 200)).enabled).toBe(false);
      expect((await call('GET', collection)).items.map((g: { name: string }) => g.name)).toEqual(['checks']);
      expect((await call('GET', `${collection}/checks`)).version).toBe(stored.version + 1);
      const report = await call('POST', `${collection}-dry-run${query}`, group);
      expect(report.cluster, collection).toBe('prod-eu');
      expect(report.rules.every((r: { alerts: unknown[]; error?: string }) => r.error === undefined && r.alerts.length > 0), JSON.stringify(report)).toBe(true);
    }
    const namespaceReport = await call('POST', `${T}/rule-groups-dry-run`, namespaceGroup);
    expect(namespaceReport.rules.every((r: { expr: string }) => r.expr.includes('namespace="shop"'))).toBe(true);
    expect(namespaceReport.rules[0].alerts).toEqual([expect.objectContaining({ state: 'pending', value: null })]);
    expect((await call('GET', `${T}/rule-groups/checks`)).inhibitRuleIds.length).toBe(1);

    for (const [collection] of levels) await call('DELETE', `${collection}/checks`, undefined, 204);
    await call('DELETE', endpointPath, undefined, 204);
  });

  it('routers, dead letters, default rules and the document itself; then deletes', async () => {
    await call('PUT', `${A}/routers/critical`, { selector: { matchers: ['severity="critical"'] }, target: { receivers: ['hook', 'team-a/hook'] } }, 201);
    await call('GET', `${A}/routers`);
    await call('GET', `${A}/routers/critical`);
    await call('DELETE', `${A}/routers/critical`, undefined, 204);
    await call('POST', `${A}/dead-letters/replay`, { queue: 'delivery', limit: 10 });
    await call('GET', `${A}/default-rules`);
    await call('GET', '/v1/openapi.json');
    for (const base of [A, T]) {
      await call('DELETE', `${base}/inhibit-rules/node`, undefined, 204);
      await call('DELETE', `${base}/receivers/hook`, undefined, 204);
    }
    await call('DELETE', `${A}/workspaces/fin`, undefined, 204);
    await call('DELETE', T, undefined, 204);
  });

  it('serves, from the function bundle, the document the source generates', () => {
    // The bundle builds zod's JSON Schemas without the processors zod's classic schemas carry (infra/zod-json-schema-on-demand.ts).
    expect(servedDocument).toEqual(JSON.parse(JSON.stringify(openApiDocument(apiRoutes, { channels: channelRegistry }))));
  });

  it('answered every documented operation', () => {
    const documented = [...new Set(operations.map(({ operation }) => `${operation.method} ${operation.path}`))];
    expect(documented.filter((key) => !checked.has(key))).toEqual([]);
  });
});
