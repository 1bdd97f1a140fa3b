import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };

const fixture = (file: string) => JSON.parse(readFileSync(`test/fixtures/kubernetes/${file}`, 'utf8'));

beforeAll(async () => {
  receiver = await startHttpReceiver();
  stack = await startTestStack({ env: { TIDINGS_INGEST_RATE_LIMIT_PER_MINUTE: '40' } });
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  await admin.putWebhookReceiver('acme', 'all', `${receiver.url}/all`);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

const ingest = (path: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') =>
  fetch(`${stack.httpUrl}/ingest/${cluster.id}/${path}`, {
    method,
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json', ...headers },
    ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const delivered = (marker: string) => receiver.requests.filter((r) => r.body.includes(marker)).map((r) => r.json());

describe('every format a cluster can send', () => {
  it('takes Prometheus pushes on /api/v2/alerts, answering 200 with an empty body as Alertmanager does', async () => {
    const response = await ingest('api/v2/alerts', [
      { labels: { alertname: 'PromPush', job: 'api', instance: 'a:9090' }, annotations: { summary: 's' }, generatorURL: 'http://prom/graph' },
    ]);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const [notification] = await eventually(() => (delivered('PromPush').length > 0 ? delivered('PromPush') : undefined));
    expect(notification.alerts[0].labels).toEqual({ alertname: 'PromPush', job: 'api', instance: 'a:9090', cluster: 'prod-eu' });
  });

  it('answers the status probe and refuses it without a token', async () => {
    const status = await ingest('api/v2/status', undefined, {}, 'GET');
    expect(status.status).toBe(200);
    expect(((await status.json()) as any).cluster.status).toBe('disabled');
    const anonymous = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/api/v2/status`);
    expect(anonymous.status).toBe(401);
  });

  it('takes a token in the URL path for senders that cannot set headers', async () => {
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/t/${encodeURIComponent(cluster.token)}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ labels: { alertname: 'PathToken' }, annotations: { summary: 'from a script' } }),
    });
    expect(response.status).toBe(202);
    await eventually(() => (delivered('PathToken').length > 0 ? true : undefined));
    const wrong = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/t/tdg_nope/alerts`, { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(401);
  });

  it('turns a crash-looping pod event into an alert through the default rules', async () => {
    const event = fixture('core-v1-events.json').crashLoopBackOff;
    const now = new Date().toISOString();
    Object.assign(event, { lastTimestamp: now, firstTimestamp: now, involvedObject: { ...event.involvedObject, name: 'web-e2e' } });
    const response = await ingest('events', { kind: 'EventList', apiVersion: 'v1', items: [event] });
    expect(response.status).toBe(200);
    const [notification] = await eventually(() => (delivered('web-e2e').length > 0 ? delivered('web-e2e') : undefined), 20_000, 'the event alert');
    expect(notification.alerts[0].labels).toMatchObject({ alertname: 'CrashLoopBackOff', namespace: 'shop', cluster: 'prod-eu', alerttype: 'event' });
  });

  it('turns an audit EventList with an exec into a pod into a delivered notification', async () => {
    const exec = fixture('audit-events.json').execPost;
    const now = new Date().toISOString();
    const item = { ...exec, kind: 'Event', apiVersion: 'audit.k8s.io/v1', requestReceivedTimestamp: now, stageTimestamp: now, objectRef: { ...exec.objectRef, name: 'pod-audit-e2e' } };
    const response = await ingest('audit', { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [item] });
    expect(response.status).toBe(202);
    const [notification] = await eventually(() => (delivered('pod-audit-e2e').length > 0 ? delivered('pod-audit-e2e') : undefined), 20_000, 'the audit alert');
    expect(notification.alerts[0].labels).toMatchObject({ alertname: 'PodExecOrAttach', alerttype: 'auditing', cluster: 'prod-eu' });
  });

  it('takes structured CloudEvents as alerts', async () => {
    const response = await ingest(
      'cloudevents',
      { specversion: '1.0', id: 'e1', source: 'ci/pipeline', type: 'com.example.build.failed', data: { labels: { alertname: 'BuildFailed', repo: 'shop' } } },
      { 'content-type': 'application/cloudevents+json' },
    );
    expect(response.status).toBe(202);
    const [notification] = await eventually(() => (delivered('BuildFailed').length > 0 ? delivered('BuildFailed') : undefined));
    expect(notification.alerts[0].labels).toMatchObject({ alertname: 'BuildFailed', ce_source: 'ci/pipeline', repo: 'shop' });
  });

  it('dry-runs a sample event against the rules, and refuses a rule with a syntax error, naming the position', async () => {
    const event = fixture('core-v1-events.json').crashLoopBackOff;
    const report = await admin.call('POST', '/v1/accounts/acme/rules-dry-run', { event, cluster: 'prod-eu' });
    expect(report.status).toBe(200);
    expect(report.body.matches.map((m: any) => m.rule)).toContain('CrashLoopBackOff');
    expect(report.body.alerts[0].labels.alertname).toBe('CrashLoopBackOff');

    const bad = await admin.call('PUT', '/v1/accounts/acme/rules/broken', { signal: 'event', condition: 'reason = "BackOff" and and type = "Warning"' });
    expect(bad.status).toBe(400);
    expect(bad.body.position).toMatchObject({ line: 1, column: expect.any(Number) });
    expect(bad.body.issues[0].field).toBe('condition');

    // A bare word is a boolean field in this language; one that no event has is refused, naming it (the macro was meant).
    expect((await admin.call('PUT', '/v1/accounts/acme/rule-definitions', { macros: { backoff: 'reason = "BackOff"' } })).status).toBeLessThan(300);
    const bareWord = await admin.call('PUT', '/v1/accounts/acme/rules/bare', { signal: 'event', condition: 'type = "Warning" and backoff' });
    expect(bareWord.status).toBe(400);
    expect(bareWord.body.issues).toEqual([
      { field: 'condition', message: 'Unknown word "backoff" at line 1, column 22: a bare word reads a boolean field, and events and audit events have no field "backoff"; for the macro "backoff", write ${backoff}' },
    ]);
    expect((await admin.call('PUT', '/v1/accounts/acme/rules/bare', { signal: 'event', condition: 'type = "Warning" and ${backoff}' })).status).toBe(201);
    expect((await admin.call('DELETE', '/v1/accounts/acme/rules/bare')).status).toBe(204);

    const custom = await admin.call('PUT', '/v1/accounts/acme/rules/shop-warnings', {
      signal: 'event',
      condition: 'type = "Warning" and involvedObject.namespace = "shop" and reason = "BackOff"',
      severity: 'critical',
      labels: { pod: '{{involvedObject.name}}' },
    });
    expect(custom.status).toBe(201);
    const again = await admin.call('POST', '/v1/accounts/acme/rules-dry-run', { event, cluster: 'prod-eu' });
    expect(again.body.matches.map((m: any) => m.rule)).toEqual(expect.arrayContaining(['CrashLoopBackOff', 'shop-warnings']));
  });

  it('answers 404 for unknown formats', async () => {
    expect((await ingest('nagios', {})).status).toBe(404);
  });
});

describe('labels named like Object.prototype members, and alerts too large to store', () => {
  const EDGE = { alertname: 'EdgeNames', constructor: 'x', toString: 't', valueOf: 'v', hasOwnProperty: 'h', __defineGetter__: 'g' };
  // A cluster of its own, so these posts do not count against the shared cluster's rate limit.
  let edgeCluster: { id: string; token: string };
  const post = (body: unknown) =>
    fetch(`${stack.httpUrl}/ingest/${edgeCluster.id}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${edgeCluster.token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    edgeCluster = await admin.createCluster('acme', 'edge');
  });

  it('stores and reads back a receiver whose header and filter use the key `constructor`', async () => {
    const put = await admin.call('PUT', '/v1/accounts/acme/receivers/edge', {
      channel: 'webhook',
      settings: { url: `${receiver.url}/edge`, headers: { constructor: 'c-header', toString: 't-header' } },
      filter: { matchLabels: { constructor: 'x' } },
      grouping: { groupBy: ['constructor', 'alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    });
    expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);

    const read = await admin.call('GET', '/v1/accounts/acme/receivers/edge');

    expect(read.status).toBe(200);
    expect(Object.keys(read.body.settings.headers).sort()).toEqual(['constructor', 'toString']);
    expect(read.body.filter).toEqual({ matchLabels: { constructor: 'x' } });
  });

  it('delivers a webhook alert with those labels intact, lists it in GET /api/v2/alerts and refuses __proto__ by index and field', async () => {
    // JSON text, not an object literal: in a literal `__proto__` would set the prototype instead of a key.
    const body = `{"version":"4","status":"firing","alerts":[${JSON.stringify({ status: 'firing', labels: EDGE, annotations: { toString: 'summary' }, startsAt: new Date().toISOString() })},{"status":"firing","labels":{"alertname":"ProtoLabel","__proto__":"x"},"startsAt":"${new Date().toISOString()}"}]}`;

    const response = await post(body);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ accepted: 1, issues: [{ index: 1, field: 'alerts[1].labels.__proto__' }] });
    // The `edge` receiver filters on constructor="x" and groups by it: it gets the alert only if both read the label.
    const [request] = await eventually(() => {
      const got = receiver.requests.filter((r) => r.path === '/edge' && r.body.includes('EdgeNames'));
      return got.length > 0 ? got : undefined;
    }, 20_000, 'the edge receiver to get the alert');
    expect(request!.headers.constructor).toBe('c-header');
    const notification = request!.json();
    expect(notification.alerts[0].labels).toEqual({ ...EDGE, cluster: 'edge' });
    expect(notification.alerts[0].annotations).toEqual({ toString: 'summary' });
    expect(notification.groupLabels).toEqual({ alertname: 'EdgeNames', constructor: 'x' });

    const listed = await admin.call('GET', '/v1/accounts/acme/alertmanager/api/v2/alerts');
    expect(listed.status).toBe(200);
    expect(listed.body.find((a: any) => a.labels.alertname === 'EdgeNames')?.labels).toEqual({ ...EDGE, cluster: 'edge' });
    expect(listed.body.some((a: any) => a.labels.alertname === 'ProtoLabel')).toBe(false);
  });

  it('refuses an alert over the per-alert size limit at ingest, and delivers one just under it with incompressible text', async () => {
    const { MAX_ALERT_TEXT_BYTES } = await import('../../lib/alert/labels.js');
    const { randomBytes } = await import('node:crypto');
    // Printable ASCII without quote and backslash: the least compressible text JSON keeps as is.
    const alphabet = '!#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~';
    const noise = (length: number) => Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
    const alert = (name: string, text: string) => ({ status: 'firing', labels: { alertname: name }, annotations: { description: text }, startsAt: new Date().toISOString() });

    const tooLarge = await post({ version: '4', alerts: [alert('TooLarge', noise(MAX_ALERT_TEXT_BYTES))] });
    const justFits = await post({ version: '4', alerts: [alert('JustFits', noise(MAX_ALERT_TEXT_BYTES - 200))] });

    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.json()).toMatchObject({ accepted: 0, issues: [{ index: 0, field: 'alerts[0].annotations', message: expect.stringMatching(/too large/) }] });
    expect(justFits.status).toBe(200);
    // Routing, the firing set, grouping and delivery all kept it: nothing accepted fails later on size.
    const [notification] = await eventually(() => (delivered('JustFits').length > 0 ? delivered('JustFits') : undefined), 30_000, 'the large alert');
    expect(notification.alerts[0].annotations.description).toHaveLength(MAX_ALERT_TEXT_BYTES - 200);
  });
});

describe('cluster credentials', () => {
  const post = (clusterId: string, token: string, extra: Record<string, string> = {}, body = '{"labels":{"alertname":"Cred"}}') =>
    fetch(`${stack.httpUrl}/ingest/${clusterId}/alerts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra }, body });

  it('rotates a token with an overlap and revokes one at once', async () => {
    const c = await admin.createCluster('acme', 'rotating');
    const rotated = await admin.call('POST', `/v1/accounts/acme/clusters/${c.id}/tokens`, { overlap: '1h' });
    expect(rotated.status).toBe(201);
    expect((await post(c.id, c.token)).status).toBe(202);
    expect((await post(c.id, rotated.body.token)).status).toBe(202);
    const oldId = rotated.body.tokens.find((t: any) => t.expiresAt !== undefined).id;
    expect((await admin.call('DELETE', `/v1/accounts/acme/clusters/${c.id}/tokens/${oldId}`)).status).toBe(204);
    expect((await post(c.id, c.token)).status).toBe(401);
    expect((await post(c.id, rotated.body.token)).status).toBe(202);
  });

  it('requires a valid HMAC signature within the replay window once signing is on', async () => {
    const { createHmac } = await import('node:crypto');
    const c = await admin.createCluster('acme', 'signing');
    const { secret } = (await admin.call('POST', `/v1/accounts/acme/clusters/${c.id}/signing-secrets`)).body;
    const body = '{"labels":{"alertname":"Signed"}}';
    const sign = (ts: number, key = secret) => `v1=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`;
    const now = Math.floor(Date.now() / 1000);
    expect((await post(c.id, c.token, {}, body)).status).toBe(401);
    expect((await post(c.id, c.token, { 'x-tidings-timestamp': String(now), 'x-tidings-signature': sign(now, 'wrong') }, body)).status).toBe(401);
    expect((await post(c.id, c.token, { 'x-tidings-timestamp': String(now - 900), 'x-tidings-signature': sign(now - 900) }, body)).status).toBe(401);
    expect((await post(c.id, c.token, { 'x-tidings-timestamp': String(now), 'x-tidings-signature': sign(now) }, body)).status).toBe(202);
  });
});

describe('ingest under hostile input', () => {
  it('answers every random body, header and encoding with a 2xx or 4xx, never a 5xx', async () => {
    const paths = ['alertmanager', 'api/v2/alerts', 'alerts', 'events', 'audit', 'cloudevents'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(fc.json(), fc.string(), fc.constant('{"alerts":[{"labels":{"a":"b"},"status":"firing","startsAt":"x"}]}')),
        fc.constantFrom('application/json', 'text/plain', 'application/cloudevents+json', 'application/cloudevents-batch+json', ''),
        fc.constantFrom(undefined, 'gzip', 'br'),
        async (path, body, contentType, encoding) => {
          const headers: Record<string, string> = { 'content-type': contentType };
          if (encoding !== undefined) headers['content-encoding'] = encoding;
          const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/t/${encodeURIComponent(cluster.token)}/${path}`, {
            method: 'POST',
            headers,
            body,
          });
          expect(response.status, `${path} ${contentType} ${encoding} ${body.slice(0, 80)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('loses nothing it answered 2xx for: every accepted random alert comes out of the queue into routing', async () => {
    const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => n !== 'cluster');
    const labelValue = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    const accepted: Array<Record<string, string>> = [];
    const fuzzCluster = await admin.createCluster('acme', 'fuzz');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(labelName, labelValue, { minKeys: 1, maxKeys: 6 }), { minLength: 1, maxLength: 20 }),
        async (labelSets) => {
          const response = await fetch(`${stack.httpUrl}/ingest/${fuzzCluster.id}/alerts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${fuzzCluster.token}`, 'content-type': 'application/json' },
            body: JSON.stringify(labelSets.map((labels) => ({ labels }))),
          });
          expect(response.status).toBeLessThan(500);
          if (response.status === 202) accepted.push(...labelSets.map((labels) => ({ ...labels, cluster: 'fuzz' })));
        },
      ),
      { numRuns: 15 },
    );
    expect(accepted.length).toBeGreaterThan(0);
    const { fingerprint } = await import('../../lib/alert/fingerprint.js');
    // Routing records every alert it takes off the queue, receivers or not: each accepted alert must have a path.
    for (const labels of accepted) {
      const fp = fingerprint(labels);
      await eventually(async () => ((await admin.call('GET', `/v1/accounts/acme/alerts/${fp}/history`)).body.items.length > 0 ? true : undefined), 20_000, `alert ${fp}`);
    }
  }, 120_000);

  it("answers 429 with Retry-After once a cluster's per-minute limit is used up", async () => {
    // The limit counts per calendar minute, so only a burst that began and ended in one minute
    // says anything; on a loaded machine one may straddle two, and then it is tried again.
    for (let attempt = 0; ; attempt++) {
      const noisy = await admin.createCluster('acme', `noisy-${attempt}`);
      await eventually(() => (Date.now() % 60_000 < 50_000 ? true : undefined), 15_000, 'at least 10 s left in the minute');
      const minute = Math.floor(Date.now() / 60_000);
      const responses = await Promise.all(
        Array.from({ length: 45 }, () =>
          fetch(`${stack.httpUrl}/ingest/${noisy.id}/alerts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${noisy.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ labels: { alertname: 'Noise' } }),
          }),
        ),
      );
      if (Math.floor(Date.now() / 60_000) !== minute && attempt < 3) continue;
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((s) => s === 202).length).toBe(40);
      expect(statuses.filter((s) => s === 429).length).toBe(5);
      for (const response of responses.filter((r) => r.status === 429)) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      return;
    }
  }, 120_000);
});
