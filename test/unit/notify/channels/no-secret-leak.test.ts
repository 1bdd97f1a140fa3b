import { describe, expect, it } from 'vitest';
import { channelRegistry } from '../../../../lib/notify/channel-registry.js';
import { ChannelError } from '../../../../lib/notify/channel.js';
import type { Responder } from '../../../helpers/http-receiver.js';
import { aMetricNotification } from '../../templates/sample-notifications.js';
import { provider, testContext } from './chat-support.js';

/** Secret values planted in settings; none may appear in an error message or in redacted settings. */
const S = {
  token: 'tok3nSecretValue001',
  secret: 'signingSecretValue002',
  key: 'robotKeySecretValue003',
  path: 'PathSecretValue004xyz',
  query: 'QuerySecretValue005',
  bot: '987654:BotTokenSecretValue006',
  corpSecret: 'corpSecretValue007',
  routingKey: 'RoutingKeySecret0123456789abcdef',
  pushoverToken: 'PushoverTokenSecret01234567890',
  pushoverUser: 'PushoverUserSecret012345678901',
  awsSecret: 'AwsSecretAccessKeyValue008',
};
const SECRET_VALUES = Object.values(S);

/** Settings with secrets for each channel, pointed at the stand-in provider. */
const FIXTURES: Record<string, (base: string) => Record<string, unknown>> = {
  webhook: (base) => ({ url: `${base}/hook/${S.path}?token=${S.query}`, headers: { authorization: `Bearer ${S.token}` } }),
  slack: (base) => ({ token: S.token, channel: 'C1', apiBaseUrl: base }),
  dingtalk: (base) => ({ accessToken: S.token, secret: S.secret, apiBaseUrl: base }),
  feishu: (base) => ({ token: S.token, secret: S.secret, apiBaseUrl: base }),
  wecom: (base) => ({ key: S.key, apiBaseUrl: base }),
  'wecom-app': (base) => ({ corpId: 'ww1', corpSecret: S.corpSecret, agentId: 1, toUser: ['@all'], apiBaseUrl: base }),
  teams: (base) => ({ webhookUrl: `${base}/workflows/${S.path}/invoke?sig=${S.query}` }),
  discord: (base) => ({ webhookUrl: `${base}/api/webhooks/1/${S.path}` }),
  telegram: (base) => ({ botToken: S.bot, chatId: 1, apiBaseUrl: base }),
  googlechat: (base) => ({ webhookUrl: `${base}/v1/spaces/A/messages?key=${S.query}&token=${S.token}` }),
  pagerduty: (base) => ({ routingKey: S.routingKey, url: `${base}/v2/enqueue` }),
  pushover: (base) => ({ token: S.pushoverToken, user: S.pushoverUser, apiUrl: `${base}/1/messages.json` }),
  'sms-aliyun': (base) => ({ accessKeyId: 'LTAIkeyid', accessKeySecret: S.secret, signName: 'tidings', templateCode: 'SMS_1', phoneNumbers: ['8613800000000'], endpoint: `${base}/` }),
  'sms-tencent': (base) => ({ secretId: 'AKIDid', secretKey: S.secret, smsSdkAppId: '1400000000', templateId: '1', phoneNumbers: ['+8613800000000'], endpoint: `${base}/` }),
  'sms-huawei': (base) => ({ appKey: 'appkey', appSecret: S.secret, sender: '8824', templateId: 't', phoneNumbers: ['+8613800000000'], endpoint: base }),
  'sms-sns': (base) => ({ region: 'us-east-1', endpoint: base, phoneNumbers: ['+4915112345678'], credentials: { accessKeyId: 'AKIAEXAMPLEKEY00001', secretAccessKey: S.awsSecret } }),
  'email-ses': (base) => ({ region: 'us-east-1', endpoint: base, from: 'tidings@example.com', to: ['ops@example.com'], credentials: { accessKeyId: 'AKIAEXAMPLEKEY00001', secretAccessKey: S.awsSecret } }),
};

/** Also a Slack webhook, whose whole URL is the secret. */
const EXTRA_FIXTURES: Array<[string, (base: string) => Record<string, unknown>]> = [
  ['slack', (base) => ({ webhookUrl: `${base}/services/T0/B0/${S.path}` })],
];

/** A hostile provider that echoes everything it received (path, headers, body) in its error answer. */
function echoing(status: number): Responder {
  return (request) => {
    const echo = `${request.path} ${JSON.stringify(request.headers)} ${request.body}`.slice(0, 4000);
    const body = { ok: false, error: echo, errcode: 40001, errmsg: echo, code: 19021, msg: echo, description: echo, message: echo };
    return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  };
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
}

const cases = [...Object.entries(FIXTURES), ...EXTRA_FIXTURES].filter(([type]) => channelRegistry.has(type));
const echoCases = cases;

describe('no secret leaks from any registered channel', () => {
  it.each(cases)('%s: redacted settings hold no secret', (type, fixture) => {
    const channel = channelRegistry.get(type)!;
    expectNoSecrets(JSON.stringify(channel.redact(channel.settingsSchema.parse(fixture('https://provider.example')))));
  });

  describe.each([
    ['an echoing 500', 500],
    ['an echoing 400', 400],
    ['an echoing 200 with an error code', 200],
  ])('against %s', (_, status) => {
    it.each(echoCases)('%s: the error carries no secret', async (type, fixture) => {
      const server = await provider(echoing(status));
      const channel = channelRegistry.get(type)!;
      const error = await channel.send(channel.settingsSchema.parse(fixture(server.url)), aMetricNotification(), testContext()).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      // Some providers answer 200 on success only; a channel may accept an echoing 200 without an error code it knows.
      if (error === undefined) return;
      expect(error).toBeInstanceOf(ChannelError);
      expectNoSecrets((error as Error).message);
      expectNoSecrets(String(error));
    });
  });

  it.each(cases)('%s: a refused connection yields an error without secrets', async (type, fixture) => {
    const server = await provider(() => ({ status: 200 }));
    const base = server.url;
    await server.close();
    const channel = channelRegistry.get(type)!;
    const error = await channel.send(channel.settingsSchema.parse(fixture(base)), aMetricNotification(), testContext()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).retryable).toBe(true);
    expectNoSecrets((error as Error).message);
  });

  it('covers every chat channel', () => {
    for (const type of ['slack', 'dingtalk', 'feishu', 'wecom', 'wecom-app', 'teams', 'discord', 'telegram', 'googlechat']) {
      expect(channelRegistry.has(type)).toBe(true);
    }
  });

  it('has a fixture for every registered HTTP channel', () => {
    // SMTP speaks no HTTP; email-smtp.test.ts checks that a refused login never shows the password.
    const missing = [...channelRegistry.keys()].filter((type) => !(type in FIXTURES) && type !== 'email-smtp');
    expect(missing).toEqual([]);
  });
});
