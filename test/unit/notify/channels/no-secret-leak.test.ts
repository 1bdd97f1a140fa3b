import { describe, expect, it } from 'vitest';
import { channelRegistry } from '../../../../lib/notify/channel-registry.js';
import { ChannelError } from '../../../../lib/notify/channel.js';
import type { ReceivedRequest, Responder } from '../../../helpers/http-receiver.js';
import { aMetricNotification } from '../../templates/sample-notifications.js';
import { provider, testContext } from './chat-support.js';

/**
 * Secret values planted in settings; none may appear in an error message or in redacted settings.
 * `tricky` holds what escaping changes (a quote, a backslash, runs of spaces, `%`, `+`, `&`), for
 * every setting that takes free text and reaches the provider (header, query, path or body).
 */
const S = {
  token: 'tok3nSecretValue001',
  secret: 'signingSecretValue002',
  key: 'robotKeySecretValue003',
  path: 'PathSecretValue004xyz',
  query: 'QuerySecretValue005',
  bot: '987654:BotTokenSecretValue006',
  routingKey: 'Routing"Key\\Sec  ret+0123456789a',
  pushoverToken: 'PushoverTokenSecret01234567890',
  pushoverUser: 'PushoverUserSecret012345678901',
  awsSecret: 'AwsSecretAccessKeyValue008',
  tricky: 'tri"cky\\Sec  ret+Val%ue&009',
  basicPassword: 'b4sic"Pass  word\\010',
};
const SECRET_VALUES = Object.values(S);
const BASIC = `Basic ${Buffer.from(`alice:${S.basicPassword}`).toString('base64')}`;

/** Settings with secrets for each channel, pointed at the stand-in provider. */
const FIXTURES: Record<string, (base: string) => Record<string, unknown>> = {
  webhook: (base) => ({
    url: `${base}/hook/${S.path}?token=${S.query}`,
    headers: { authorization: `Bearer ${S.token}`, 'x-api-key': S.tricky, 'proxy-authorization': BASIC },
  }),
  slack: (base) => ({ token: S.tricky, channel: 'C1', apiBaseUrl: base }),
  dingtalk: (base) => ({ accessToken: S.tricky, secret: S.secret, apiBaseUrl: base }),
  feishu: (base) => ({ token: S.tricky, secret: S.secret, apiBaseUrl: base }),
  wecom: (base) => ({ key: S.tricky, apiBaseUrl: base }),
  'wecom-app': (base) => ({ corpId: 'ww1', corpSecret: S.tricky, agentId: 1, toUser: ['@all'], apiBaseUrl: base }),
  teams: (base) => ({ webhookUrl: `${base}/workflows/${S.path}/invoke?sig=${S.query}` }),
  discord: (base) => ({ webhookUrl: `${base}/api/webhooks/1/${S.path}` }),
  telegram: (base) => ({ botToken: S.bot, chatId: 1, apiBaseUrl: base }),
  googlechat: (base) => ({ webhookUrl: `${base}/v1/spaces/A/messages?key=${S.query}&token=${encodeURIComponent(S.tricky)}` }),
  pagerduty: (base) => ({ routingKey: S.routingKey, url: `${base}/v2/enqueue` }),
  pushover: (base) => ({ token: S.pushoverToken, user: S.pushoverUser, apiUrl: `${base}/1/messages.json` }),
  'sms-aliyun': (base) => ({ accessKeyId: S.tricky, accessKeySecret: S.secret, signName: 'tidings', templateCode: 'SMS_1', phoneNumbers: ['8613800000000'], endpoint: `${base}/` }),
  'sms-tencent': (base) => ({ secretId: S.tricky, secretKey: S.secret, smsSdkAppId: '1400000000', templateId: '1', phoneNumbers: ['+8613800000000'], endpoint: `${base}/` }),
  'sms-huawei': (base) => ({ appKey: S.tricky, appSecret: S.secret, sender: '8824', templateId: 't', phoneNumbers: ['+8613800000000'], endpoint: base }),
  'sms-sns': (base) => ({ region: 'us-east-1', endpoint: base, phoneNumbers: ['+4915112345678'], credentials: { accessKeyId: 'AKIAEXAMPLEKEY00001', secretAccessKey: S.awsSecret } }),
  'email-ses': (base) => ({ region: 'us-east-1', endpoint: base, from: 'tidings@example.com', to: ['ops@example.com'], credentials: { accessKeyId: 'AKIAEXAMPLEKEY00001', secretAccessKey: S.awsSecret } }),
};

/** Also a Slack webhook, whose whole URL is the secret. */
const EXTRA_FIXTURES: Array<[string, (base: string) => Record<string, unknown>]> = [
  ['slack', (base) => ({ webhookUrl: `${base}/services/T0/B0/${S.path}` })],
];

/** What a provider saw of the request: path (URL-encoded), headers, body (JSON- or form-encoded). */
function requestEcho(request: ReceivedRequest): string {
  return `${request.path} ${JSON.stringify(request.headers)} ${request.body}`;
}

/** Turns what the provider received (and the planted secrets it received, decoded) into what it answers. */
type EchoForm = (request: ReceivedRequest, received: readonly string[]) => string;

/**
 * The ways a hostile or careless provider echoes the request back: as it came;
 * after padding longer than the 200 characters an error quotes; padded so a
 * secret straddles that cut; JSON-escaped once more; with whitespace collapsed;
 * URL-encoded; and each secret it received, decoded (so the raw value, with
 * its quote, backslash and double spaces, appears as itself).
 */
const ECHO_FORMS: Array<[string, EchoForm]> = [
  ['as received', requestEcho],
  ['after 250 characters of padding', (request) => `${'x'.repeat(250)} ${requestEcho(request)}`],
  ...[150, 160, 170, 180, 190].map((pad): [string, EchoForm] => [
    `split across the cut (${pad} characters of padding)`,
    (request, received) => `${'p'.repeat(pad)}${received.join(' ')} ${requestEcho(request)}`,
  ]),
  ['JSON-escaped', (request) => JSON.stringify(requestEcho(request))],
  ['whitespace-collapsed', (request) => requestEcho(request).replace(/\s+/g, ' ')],
  ['URL-encoded', (request) => encodeURIComponent(requestEcho(request))],
  ['with each secret it received, decoded', (request, received) => `${received.map((secret) => `value ${secret} rejected`).join('; ')} ${requestEcho(request)}`],
];

/** The planted secrets a channel sends somewhere in its request, in whatever encoding (a signing secret is never sent, so never echoed). */
function receivedSecrets(request: ReceivedRequest): string[] {
  const seen = requestEcho(request);
  const encodings = (secret: string) => [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    new URLSearchParams({ v: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64'),
  ];
  return [...SECRET_VALUES, `alice:${S.basicPassword}`].filter((secret) => encodings(secret).some((form) => seen.includes(form)));
}

/** A hostile provider that echoes what it received, in the given form, in every field an error may be read from. */
function echoing(status: number, form: EchoForm = requestEcho): Responder {
  return (request) => {
    const echo = form(request, receivedSecrets(request)).slice(0, 4000);
    const body = {
      ok: false,
      error: echo,
      errcode: 40001,
      errmsg: echo,
      code: 19021,
      msg: echo,
      description: echo,
      message: echo,
      errors: [echo],
      Code: 'InvalidAccessKeyId',
      Message: echo,
      Response: { Error: { Code: 'AuthFailure', Message: echo } },
    };
    return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  };
}

/** The forms a leaked secret would take in a message, each checked down to its first 8 characters. */
function tracesOf(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret.replace(/\s+/g, ' ')];
  return [...new Set(forms.flatMap((form) => [form, form.slice(0, 8)]))];
}

function expectNoSecrets(text: string): void {
  for (const secret of [...SECRET_VALUES, BASIC.slice('Basic '.length)]) {
    for (const trace of tracesOf(secret)) expect(text, `leaks ${JSON.stringify(trace)}`).not.toContain(trace);
  }
}

/**
 * Channels whose provider says "sent" with any 2xx and nothing else (plain
 * webhooks, the Events API, SES's JSON protocol): an echoing 200 is a
 * successful send for them. Every other channel reads a result in the body
 * (SNS's in XML) and must fail, with a clean error.
 */
const SUCCEEDS_ON_ANY_2XX = new Set(['webhook', 'teams', 'discord', 'googlechat', 'pagerduty', 'email-ses', 'slack webhook']);

const cases = [...Object.entries(FIXTURES), ...EXTRA_FIXTURES].filter(([type]) => channelRegistry.has(type));
/** Named so the Slack webhook case is told apart from the bot-token one. */
const echoCases = cases.map(([type, fixture]): [string, string, (base: string) => Record<string, unknown>] => [
  fixture('http://x').webhookUrl !== undefined && type === 'slack' ? 'slack webhook' : type,
  type,
  fixture,
]);

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
    it.each(echoCases)('%s: the error carries no secret, or the send succeeded where a 2xx means sent', async (name, type, fixture) => {
      const server = await provider(echoing(status));
      const channel = channelRegistry.get(type)!;
      const outcome = await channel.send(channel.settingsSchema.parse(fixture(server.url)), aMetricNotification(), testContext()).then(
        (sent) => ({ sent }),
        (thrown: unknown) => ({ thrown }),
      );
      expect(server.requests.length).toBeGreaterThan(0);
      if (status === 200 && SUCCEEDS_ON_ANY_2XX.has(name)) {
        expect(outcome).toEqual({ sent: { statusCode: 200 } });
        return;
      }
      expect('thrown' in outcome, `${name} accepted an echoing ${status}`).toBe(true);
      const error = (outcome as { thrown: unknown }).thrown;
      expect(error).toBeInstanceOf(ChannelError);
      expectNoSecrets((error as Error).message);
      expectNoSecrets(String(error));
    });
  });

  describe.each(ECHO_FORMS)('against a provider echoing the request %s', (_, form) => {
    it.each(echoCases)('%s: the error (what history, logs and the test-send answer show) holds no secret nor any 8-character prefix of one', async (_name, type, fixture) => {
      const server = await provider(echoing(500, form));
      const channel = channelRegistry.get(type)!;
      const error = await channel.send(channel.settingsSchema.parse(fixture(server.url)), aMetricNotification(), testContext()).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ChannelError);
      expectNoSecrets((error as Error).message);
      expectNoSecrets(String(error));
      // The unscrubbed error is not kept as a cause a logger could print.
      expect((error as Error).cause).not.toBeInstanceOf(ChannelError);
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
