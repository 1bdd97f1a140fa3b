import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

let stack: LocalStack;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string; ingestUrl: string };

beforeAll(async () => {
  stack = await startTestStack({ env: { TIDINGS_INGEST_MAX_BODY_BYTES: String(64 * 1024) } });
  receiver = await startHttpReceiver();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
  await admin.putWebhookReceiver('acme', 'ops-hook', `${receiver.url}/hook?key=very-secret`);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

function postWebhook(body: unknown, headers: Record<string, string> = {}, clusterId = cluster.id) {
  return fetch(`${stack.httpUrl}/ingest/${clusterId}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
}

describe('an Alertmanager webhook through the whole pipeline', () => {
  it('reaches the global receiver as Alertmanager JSON and is recorded in history', async () => {
    const alert = anAlertmanagerAlert({ labels: { alertname: 'PipelineProbe', severity: 'critical', cluster: 'spoofed' } });

    const response = await postWebhook(anAlertmanagerWebhook([alert]));

    expect(response.status).toBe(200);
    expect((await response.json()) as any).toEqual({ accepted: 1 });
    const delivered = await eventually(
      () => receiver.requests.find((request) => request.body.includes('PipelineProbe')),
      20_000,
      'the webhook to arrive',
    );
    expect(delivered.path).toBe('/hook?key=very-secret');
    const body = delivered.json();
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'ops-hook', truncatedAlerts: 0 });
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0].labels).toEqual({ alertname: 'PipelineProbe', severity: 'critical', cluster: 'prod-eu' });
    expect(body.alerts[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);

    const history = await eventually(async () => {
      const page = await admin.history('acme');
      return page.items.find((item: any) => item.fingerprints.includes(body.alerts[0].fingerprint));
    });
    expect(history).toMatchObject({
      status: 'sent',
      httpStatus: 200,
      channel: 'webhook',
      attempts: 1,
      receiver: { accountId: 'acme', name: 'ops-hook' },
      alertnames: ['PipelineProbe'],
    });
    expect(JSON.stringify(history)).not.toContain('very-secret');
  });

  it('accepts a gzip-compressed body', async () => {
    const body = gzipSync(JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'Gzipped' } })])));
    const response = await postWebhook(body, { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    await eventually(() => receiver.requests.find((request) => request.body.includes('Gzipped')));
  });

  it('accepts the token as the Basic auth password, as Alertmanager http_config.basic_auth sends it', async () => {
    const basic = Buffer.from(`alertmanager:${cluster.token}`).toString('base64');
    const response = await postWebhook(anAlertmanagerWebhook(), { authorization: `Basic ${basic}` });
    expect(response.status).toBe(200);
  });
});

describe('ingest answers', () => {
  it('401 without a token, with a wrong token, and for another cluster id', async () => {
    const other = await admin.createCluster('acme', 'staging');
    for (const [headers, id] of [
      [{ authorization: '' }, cluster.id],
      [{ authorization: 'Bearer tdg_wrong' }, cluster.id],
      [{ authorization: `Bearer ${other.token}` }, cluster.id],
      [{}, 'c-doesnotexist'],
    ] as const) {
      const response = await postWebhook(anAlertmanagerWebhook(), headers, id);
      expect(response.status).toBe(401);
      expect(((await response.json()) as any).error).toBeDefined();
    }
  });

  it('400 with a JSON body naming the field for an invalid payload', async () => {
    const response = await postWebhook({ version: '4', alerts: 'none' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.issues[0].field).toBe('alerts');
  });

  it('400 for malformed JSON', async () => {
    const response = await postWebhook('{"alerts": [');
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).issues[0].field).toBe('(body)');
  });

  it('400 listing the invalid alerts while queueing the valid ones', async () => {
    const response = await postWebhook(
      anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'KeptDespiteNeighbour' } }), anAlertmanagerAlert({ startsAt: 'soon' })]),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.accepted).toBe(1);
    expect(body.issues).toEqual([{ field: 'alerts[1].startsAt', index: 1, message: expect.any(String) }]);
    await eventually(() => receiver.requests.find((request) => request.body.includes('KeptDespiteNeighbour')));
  });

  it('413 for a body over the configured limit', async () => {
    const huge = anAlertmanagerWebhook([anAlertmanagerAlert({ annotations: { blob: 'x'.repeat(70 * 1024) } })]);
    const response = await postWebhook(huge);
    expect(response.status).toBe(413);
  });

  it('415 for a body that is not JSON', async () => {
    const response = await postWebhook('alertname=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
  });

  it('404 for an unknown ingest format', async () => {
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/nagios`, { method: 'POST' });
    expect(response.status).toBe(404);
  });
});

describe('admin API', () => {
  it('refuses requests without the operator key', async () => {
    const response = await fetch(`${stack.httpUrl}/v1/accounts/acme/receivers`);
    expect(response.status).toBe(401);
    const wrong = await adminClient(stack, 'not-the-key').call('GET', '/v1/accounts/acme/receivers');
    expect(wrong.status).toBe(401);
  });

  it('never returns cluster token hashes or receiver secrets', async () => {
    const clusters = await admin.call('GET', '/v1/accounts/acme/clusters');
    expect(clusters.status).toBe(200);
    expect(JSON.stringify(clusters.body)).not.toMatch(/hash/i);
    expect(JSON.stringify(clusters.body)).not.toContain(cluster.token);
    const receiver = await admin.call('GET', '/v1/accounts/acme/receivers/ops-hook');
    expect(receiver.body.settings.url).toBe(`${receiver.body.settings.url.split('/<')[0]}/<redacted>`);
    expect(JSON.stringify(receiver.body)).not.toContain('very-secret');
  });

  it('answers 409 to an update based on a stale version', async () => {
    const first = await admin.call('PUT', '/v1/accounts/acme/receivers/versioned', { channel: 'webhook', settings: { url: 'https://example.com/a' } });
    expect(first.status).toBe(201);
    const second = await admin.call(
      'PUT',
      '/v1/accounts/acme/receivers/versioned',
      { channel: 'webhook', settings: { url: 'https://example.com/b' } },
      { 'if-match': '"1"' },
    );
    expect(second.status).toBe(200);
    expect(second.body.version).toBe(2);
    const stale = await admin.call(
      'PUT',
      '/v1/accounts/acme/receivers/versioned',
      { channel: 'webhook', settings: { url: 'https://example.com/c' } },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(409);
  });

  it('validates receivers, naming the field', async () => {
    const unknown = await admin.call('PUT', '/v1/accounts/acme/receivers/bad', { channel: 'carrier-pigeon', settings: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].field).toBe('channel');
    const badUrl = await admin.call('PUT', '/v1/accounts/acme/receivers/bad', { channel: 'webhook', settings: { url: 'nope' } });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.issues[0].field).toBe('settings.url');
    const badName = await admin.call('PUT', '/v1/accounts/acme/receivers/Bad_Name', { channel: 'webhook', settings: { url: 'https://x.example' } });
    expect(badName.status).toBe(400);
    expect(badName.body.issues[0].field).toBe('name');
  });

  it('filters history by receiver, status, alertname and time, and keeps the rendered message', async () => {
    const page = (await admin.call('GET', '/v1/accounts/acme/history?receiver=ops-hook&status=sent&alertname=PipelineProbe')).body;
    expect(page.items).toHaveLength(1);
    expect(page.items[0].message).toContain('PipelineProbe');
    expect(page.items[0].message).not.toContain('very-secret');
    const none = (await admin.call('GET', '/v1/accounts/acme/history?status=failed')).body;
    expect(none.items).toEqual([]);
    const future = (await admin.call('GET', `/v1/accounts/acme/history?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).body;
    expect(future.items).toEqual([]);
    const other = (await admin.call('GET', '/v1/accounts/acme/history?receiver=nobody')).body;
    expect(other.items).toEqual([]);
    expect((await admin.call('GET', '/v1/accounts/acme/history?status=lost')).status).toBe(400);
  });

  it('pages history newest first with a cursor', async () => {
    const first = await admin.call('GET', '/v1/accounts/acme/history?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.cursor).toEqual(expect.any(String));
    const second = await admin.call('GET', `/v1/accounts/acme/history?limit=1&cursor=${first.body.cursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].createdAt <= first.body.items[0].createdAt).toBe(true);
    const forged = await admin.call('GET', `/v1/accounts/other/history?cursor=${first.body.cursor}`);
    expect(forged.status).toBe(400);
  });
});
