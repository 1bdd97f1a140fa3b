import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostableAlert } from '../../lib/metric-rules/alerting-state.js';
import { evaluateCluster } from '../../lib/metric-rules/evaluate-cluster.js';
import { MemoryRuleStateStore } from '../helpers/memory-stores.js';
import { instantQuery } from '../../lib/metric-rules/prometheus-query.js';
import { AddressPolicy } from '../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../lib/net/outbound-http.js';
import { eventually } from '../helpers/local-stack.js';
import { aClusterGroup, aMetricRule } from '../unit/metric-rules/builders.js';

/**
 * The same rules evaluated by Prometheus 2.42's own rule manager and by
 * tidings' evaluator querying that Prometheus, over the same live series:
 * the alerts (labels, startsAt within one interval, firing then resolved)
 * must agree. Debian's `prometheus` package; skipped without it.
 */
const prometheusBinary = [process.env.PROMETHEUS_BIN, '/usr/bin/prometheus'].find((path): path is string => path !== undefined && existsSync(path));
const missing = prometheusBinary === undefined ? 'prometheus not installed (apt-get install prometheus): differential test skipped' : undefined;
if (missing !== undefined) console.warn(missing);

const INTERVAL_MS = 2000;

interface Received {
  at: number;
  alerts: PostableAlert[];
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}


/** Prometheus' template functions, expanded by both sides. */
const DETAILS = '{{ $labels.pod | toUpper }}: {{ printf "%.2f" $value }} ({{ humanize $value }}, {{ humanizePercentage $value }}) {{ reReplaceAll "web-(.*)" "#$1" $labels.pod }}{{ if gt $value 0.5 }} high{{ end }}';
let dir: string;
let prometheus: ChildProcess | undefined;
let promUrl: string;
let exporter: Server;
let alertmanager: Server;
let value = 0;
let prometheusLog = '';
const fromPrometheus: Received[] = [];

beforeAll(async () => {
  if (missing !== undefined) return;
  dir = await mkdtemp(join(tmpdir(), 'tidings-prometheus-'));
  exporter = createServer((_request, response) => {
    response.setHeader('content-type', 'text/plain; version=0.0.4');
    response.end(`# TYPE demo_value gauge\ndemo_value{cluster="prod-eu",pod="web-1"} ${value}\ndemo_value{cluster="prod-eu",pod="web-2"} 0\n`);
  });
  alertmanager = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/api/v2/alerts') fromPrometheus.push({ at: Date.now(), alerts: JSON.parse(body) as PostableAlert[] });
      response.end();
    });
  });
  const [exporterPort, amPort] = await Promise.all([listen(exporter), listen(alertmanager)]);
  // A free port for Prometheus: taken and released here, bound by Prometheus next.
  const reserve = createServer();
  const promPort = await listen(reserve);
  await new Promise((resolve) => reserve.close(resolve));
  const rules = {
    groups: [
      {
        name: 'differential',
        interval: `${INTERVAL_MS / 1000}s`,
        rules: [
          { alert: 'Hot', expr: 'demo_value > 0.5', for: '4s', labels: { severity: 'warning' }, annotations: { summary: '{{ $labels.pod }} at {{ $value }}', details: DETAILS } },
          { alert: 'HotNow', expr: 'demo_value > 0.5', keep_firing_for: '4s', labels: { severity: 'info' } },
        ],
      },
    ],
  };
  await writeFile(join(dir, 'rules.yml'), JSON.stringify(rules));
  await writeFile(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: `${INTERVAL_MS / 1000}s` },
      rule_files: [join(dir, 'rules.yml')],
      alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [{ job_name: 'demo', static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
    }),
  );
  prometheus = spawn(
    prometheusBinary!,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=2s'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
  promUrl = `http://127.0.0.1:${promPort}`;
  await eventually(async () => {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent('up{job="demo"} == 1')}`).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as { data?: { result?: unknown[] } } | undefined;
    return (body?.data?.result?.length ?? 0) > 0 ? true : undefined;
  }, 60_000, 'Prometheus scraping the exporter').catch((error: Error) => {
    throw new Error(`${error.message}; Prometheus said: ${prometheusLog.slice(-2000)}`);
  });
}, 90_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await Promise.all([exporter, alertmanager].map((server) => (server === undefined ? undefined : new Promise((resolve) => server.close(resolve)))));
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Each alert's sends by `alertname/pod`, as [startsAt, endsAt, receivedAt] in ms. */
function byAlert(received: Received[]) {
  const sends = new Map<string, Array<{ startsAt: number; endsAt: number; at: number }>>();
  for (const { at, alerts } of received) {
    for (const alert of alerts) {
      const key = `${alert.labels.alertname}/${alert.labels.pod}`;
      sends.set(key, [...(sends.get(key) ?? []), { startsAt: Date.parse(alert.startsAt), endsAt: Date.parse(alert.endsAt), at }]);
    }
  }
  return sends;
}

const resolvedIn = (sends: Array<{ endsAt: number; at: number }> | undefined) => sends?.find((s) => s.endsAt <= s.at + INTERVAL_MS / 2);

describe.skipIf(missing !== undefined)("tidings' evaluator and Prometheus 2.42's rule manager on the same series", () => {
  it('fire and resolve the same alerts, startsAt within one interval', async () => {
    // Arrange: tidings evaluates the same rules as a cluster group, querying that Prometheus.
    const fromTidings: Received[] = [];
    const http = createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) });
    const group = aClusterGroup({
      interval: `${INTERVAL_MS / 1000}s`,
      rules: [
        aMetricRule({ alert: 'Hot', expr: 'demo_value > 0.5', for: '4s', severity: 'warning', annotations: { summary: '{{ $labels.pod }} at {{ $value }}', details: DETAILS } }),
        aMetricRule({ alert: 'HotNow', expr: 'demo_value > 0.5', keep_firing_for: '4s', severity: 'info' }),
      ],
    });
    const deps = {
      sources: { ruleGroups: { list: async () => [group] }, tenantsOf: async () => [] },
      query: (expr: string, at: Date) => instantQuery(http, { url: promUrl }, expr, at),
      state: new MemoryRuleStateStore(),
      publish: async (alerts: PostableAlert[]) => {
        fromTidings.push({ at: Date.now(), alerts });
      },
      now: () => new Date(),
      settings: { externalLabels: {}, externalURL: 'http://tidings', resendDelayMs: 2000 },
      defaultIntervalMs: INTERVAL_MS,
    };
    let running = true;
    const errors: string[] = [];
    const loop = (async () => {
      while (running) {
        const report = await evaluateCluster({ accountId: 'acme', id: 'c-1', name: 'prod-eu' }, deps);
        errors.push(...report.errors.map((e) => e.error));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    // Act: the condition holds until both have fired and re-sent, then stops until both have resolved.
    value = 1;
    await eventually(() => {
      const [prom, ours] = [byAlert(fromPrometheus), byAlert(fromTidings)];
      return ['Hot/web-1', 'HotNow/web-1'].every((k) => (prom.get(k)?.length ?? 0) >= 2 && (ours.get(k)?.length ?? 0) >= 2) ? true : undefined;
    }, 60_000, 'both firing');
    value = 0;
    await eventually(() => {
      const [prom, ours] = [byAlert(fromPrometheus), byAlert(fromTidings)];
      return ['Hot/web-1', 'HotNow/web-1'].every((k) => resolvedIn(prom.get(k)) && resolvedIn(ours.get(k))) ? true : undefined;
    }, 60_000, 'both resolved');
    running = false;
    await loop;

    // Assert: the same alerts, nothing for web-2, the same labels, startsAt and endsAt of the resolution within one interval.
    const [prom, ours] = [byAlert(fromPrometheus), byAlert(fromTidings)];
    expect([...ours.keys()].sort()).toEqual([...prom.keys()].sort());
    expect([...ours.keys()].sort()).toEqual(['Hot/web-1', 'HotNow/web-1']);
    for (const key of prom.keys()) {
      expect(Math.abs(ours.get(key)![0]!.startsAt - prom.get(key)![0]!.startsAt), `${key} startsAt`).toBeLessThanOrEqual(INTERVAL_MS);
      expect(Math.abs(resolvedIn(ours.get(key))!.endsAt - resolvedIn(prom.get(key))!.endsAt), `${key} resolved`).toBeLessThanOrEqual(INTERVAL_MS);
    }
    const labelsOf = (received: Received[], alertname: string) => received.flatMap((r) => r.alerts).find((a) => a.labels.alertname === alertname)!;
    expect(labelsOf(fromTidings, 'Hot').labels).toMatchObject({ alertname: 'Hot', pod: 'web-1', cluster: 'prod-eu', severity: 'warning', alerttype: 'metric' });
    expect(labelsOf(fromTidings, 'Hot').annotations).toEqual(labelsOf(fromPrometheus, 'Hot').annotations);
    // `for: 4s` holds back Hot: it starts at least 4 s after HotNow, in both.
    for (const sends of [prom, ours]) expect(sends.get('Hot/web-1')![0]!.startsAt - sends.get('HotNow/web-1')![0]!.startsAt).toBeGreaterThanOrEqual(4000);
    expect(errors).toEqual([]);
  }, 150_000);
});
