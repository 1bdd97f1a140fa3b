import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { anAlertmanagerAlert, anAlertmanagerWebhook } from '../helpers/builders.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';

const BOT_TOKEN = '123456:SECRET-bot-token_xyz';
let stack: LocalStack;
let telegram: Awaited<ReturnType<typeof startHttpReceiver>>;
let admin: ReturnType<typeof adminClient>;
let cluster: { id: string; token: string };

beforeAll(async () => {
  // A stand-in for api.telegram.org: answers as the Bot API does.
  telegram = await startHttpReceiver(() => ({ status: 200, body: '{"ok":true,"result":{"message_id":1}}', headers: { 'content-type': 'application/json' } }));
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('acme', 'prod-eu');
});

afterAll(async () => {
  await stack?.stop();
  await telegram?.close();
});

describe('configs, templates and test-send on the local stack', () => {
  it('keeps credentials in a config, sealed and never shown, apart from the receiver', async () => {
    const config = await admin.call('PUT', '/v1/accounts/acme/configs/telegram-bot', {
      channel: 'telegram',
      labels: { team: 'ops' },
      settings: { botToken: BOT_TOKEN, apiBaseUrl: telegram.url },
    });
    expect(config.status).toBe(201);
    expect(config.body.settings).toEqual({ apiBaseUrl: '<secret>', botToken: '<secret>' });

    const receiver = await admin.call('PUT', '/v1/accounts/acme/receivers/tg-ops', {
      channel: 'telegram',
      settings: { chatId: '-1001' },
      configSelector: { team: 'ops' },
      presentation: { language: 'zh-cn' },
      grouping: { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s' },
    });
    expect(receiver.status).toBe(201);
    const listed = JSON.stringify((await admin.call('GET', '/v1/accounts/acme/configs')).body) + JSON.stringify(receiver.body);
    expect(listed).not.toContain(BOT_TOKEN);
  });

  it('refuses a receiver whose settings lack credentials and no config supplies them', async () => {
    const response = await admin.call('PUT', '/v1/accounts/acme/receivers/tg-orphan', {
      channel: 'telegram',
      settings: { chatId: '1' },
      configSelector: { team: 'nobody' },
    });
    expect(response.status).toBe(400);
    expect(response.body.issues.map((i: any) => i.field)).toContain('settings.botToken');
  });

  it('test-sends through the real channel code with the config and the receiver language', async () => {
    const response = await admin.call('POST', '/v1/accounts/acme/receivers/tg-ops/test');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: true, statusCode: 200 });
    const request = telegram.requests.at(-1)!;
    expect(request.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    const body = request.json();
    expect(body.chat_id).toBe('-1001');
    expect(body.parse_mode).toBe('HTML');
    expect(body.text).toContain('告警中');
    expect(body.text).toContain('TidingsTestNotification');
  });

  it('delivers alerts through the config and records history without the token', async () => {
    const response = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(anAlertmanagerWebhook([anAlertmanagerAlert({ labels: { alertname: 'TelegramProbe', severity: 'critical' } })])),
    });
    expect(response.status).toBe(200);
    await eventually(() => telegram.requests.find((r) => r.body.includes('TelegramProbe')));
    const history = await eventually(async () => {
      const page = await admin.history('acme');
      return page.items.find((item: any) => item.alertnames.includes('TelegramProbe') && item.status === 'sent');
    });
    expect(history.channel).toBe('telegram');
    expect(JSON.stringify(history)).not.toContain(BOT_TOKEN);
  });

  it('validates templates on write and uses a template set by name', async () => {
    const broken = await admin.call('PUT', '/v1/accounts/acme/template-sets/broken', { templates: { text: '{{#each alerts}}' } });
    expect(broken.status).toBe(400);
    expect(broken.body.issues[0].field).toBe('templates.text');
    const unknownHelper = await admin.call('PUT', '/v1/accounts/acme/template-sets/broken', { templates: { text: '{{exec "rm -rf /"}}' } });
    expect(unknownHelper.status).toBe(400);

    const set = await admin.call('PUT', '/v1/accounts/acme/template-sets/terse', {
      templates: { text: 'TERSE {{status}} {{#each alerts}}{{labels.alertname}} {{/each}}' },
    });
    expect(set.status).toBe(201);
    await admin.call('PUT', '/v1/accounts/acme/receivers/tg-terse', {
      channel: 'telegram',
      settings: { chatId: '7' },
      presentation: { templateSet: 'terse' },
    });
    const sent = await admin.call('POST', '/v1/accounts/acme/receivers/tg-terse/test');
    expect(sent.body.ok).toBe(true);
    expect(telegram.requests.at(-1)!.json().text).toContain('TERSE firing TidingsTestNotification');
  });

  it("never lets a tenant receiver redirect the operator's credentials to a server of its choosing", async () => {
    const attacker = await startHttpReceiver(() => ({ status: 200, body: '{"ok":true}' }));
    try {
      await admin.call('PUT', '/v1/accounts/acme/tenants/team-x', { bindings: [{ cluster: 'prod-eu', namespace: 'x' }] });
      const response = await admin.call('PUT', '/v1/accounts/acme/tenants/team-x/receivers/tg', {
        channel: 'telegram',
        settings: { chatId: '5', apiBaseUrl: attacker.url },
        configSelector: { team: 'ops' },
      });
      expect(response.status).toBe(201);
      const sent = await admin.call('POST', '/v1/accounts/acme/tenants/team-x/receivers/tg/test');
      expect(sent.body.ok).toBe(true);
      expect(attacker.requests).toHaveLength(0);
      expect(telegram.requests.at(-1)!.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    } finally {
      await attacker.close();
    }
  });

  it('reports a provider rejection from test-send without leaking the token', async () => {
    await admin.call('PUT', '/v1/accounts/acme/configs/bad-bot', {
      channel: 'telegram',
      labels: { team: 'bad' },
      settings: { botToken: '999:NOPE-token', apiBaseUrl: `${telegram.url}/unauthorized` },
    });
    await admin.call('PUT', '/v1/accounts/acme/receivers/tg-bad', { channel: 'telegram', settings: { chatId: '1' }, configSelector: { team: 'bad' } });
    const response = await admin.call('POST', '/v1/accounts/acme/receivers/tg-bad/test');
    expect(response.status).toBe(200);
    expect(JSON.stringify(response.body)).not.toContain('NOPE-token');
  });
});
