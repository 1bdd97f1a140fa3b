import { afterEach, describe, expect, it } from 'vitest';
import { awsChannelServices } from '../../../../lib/aws/aws-channel-services.js';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { sesEmailChannel } from '../../../../lib/notify/channels/email-ses.js';
import { aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest, type Responder } from '../../../helpers/http-receiver.js';
import { sigV4Signature } from './reference-signatures.js';

const ACCESS_KEY_ID = 'AKIAEXAMPLESESKEY001';
const SECRET_ACCESS_KEY = 'sesSecretAccessKeyExample/0123456789abcdef';

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => new Date('2026-11-25T10:01:00Z'),
  externalURL: 'https://tidings.example',
  aws: awsChannelServices,
  renderer: { render: (kind) => ({ title: '[FIRING:1] HighErrorRate', text: 'plain body', markdown: 'md', html: '<p>html body</p>' })[kind] },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

/** What SES checks before accepting SendEmail: the route, the SigV4 signature (recomputed here), the JSON body. */
function verifySesRequest(request: ReceivedRequest): string | undefined {
  const [path = '', query = ''] = request.path.split('?');
  if (request.method !== 'POST' || path !== '/v2/email/outbound-emails') return 'UnknownOperationException';
  if (request.headers['content-type'] !== 'application/json') return 'SerializationException';
  const match = AUTHORIZATION.exec(String(request.headers.authorization ?? ''));
  if (match === null) return 'IncompleteSignatureException';
  const [, keyId, date, region, service, signedHeaders = '', signature] = match;
  if (keyId !== ACCESS_KEY_ID) return 'UnrecognizedClientException';
  if (region !== 'eu-west-1' || service !== 'ses') return 'InvalidSignatureException';
  if (!String(request.headers['x-amz-date']).startsWith(date!)) return 'InvalidSignatureException';
  const signed = signedHeaders.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return 'InvalidSignatureException';
  const expected = sigV4Signature({
    method: 'POST',
    path,
    query,
    headers: request.headers,
    signedHeaders: signed,
    body: request.body,
    secretAccessKey: SECRET_ACCESS_KEY,
    region: 'eu-west-1',
    service: 'ses',
  });
  return signature === expected ? undefined : 'SignatureDoesNotMatchException';
}

async function sesAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request): ReturnType<Responder> => {
        const error = verifySesRequest(request);
        return error === undefined
          ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"MessageId":"0100018c-example"}' }
          : { status: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': error }, body: `{"message":"${error}"}` };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return sesEmailChannel.settingsSchema.parse({
    region: 'eu-west-1',
    endpoint: url,
    from: 'Alerts <alerts@example.com>',
    to: ['ops@example.com', 'db@example.com'],
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    ...extra,
  });
}

describe('sesEmailChannel', () => {
  it('calls SES v2 SendEmail with a SigV4 signature the server recomputes, and HTML and text bodies', async () => {
    const receiver = await sesAnswering();

    const outcome = await sesEmailChannel.send(settings(receiver.url, { configurationSetName: 'alerts' }), aNotification(), context);

    expect(verifySesRequest(receiver.requests[0]!)).toBeUndefined();
    expect(outcome.statusCode).toBe(200);
    expect(receiver.requests[0]!.json()).toEqual({
      FromEmailAddress: 'Alerts <alerts@example.com>',
      Destination: { ToAddresses: ['ops@example.com', 'db@example.com'] },
      ConfigurationSetName: 'alerts',
      Content: {
        Simple: {
          Subject: { Data: '[FIRING:1] HighErrorRate', Charset: 'UTF-8' },
          Body: { Text: { Data: 'plain body', Charset: 'UTF-8' }, Html: { Data: '<p>html body</p>', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('sends once: the delivery queue, not the SDK, retries', async () => {
    const receiver = await sesAnswering(() => ({ status: 503, headers: { 'x-amzn-errortype': 'ServiceUnavailable' }, body: '{}' }));
    const error = await sesEmailChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(true);
    expect(receiver.requests).toHaveLength(1);
  });

  it.each([
    ['TooManyRequestsException', 429, true],
    ['LimitExceededException', 400, true],
    ['MessageRejected', 400, false],
    ['BadRequestException', 400, false],
  ])('maps %s (HTTP %i) to retryable=%s', async (name, status, retryable) => {
    const receiver = await sesAnswering(() => ({ status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': name }, body: '{"message":"no"}' }));
    const error = await sesEmailChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toContain(name);
    expect(error.message).not.toContain(SECRET_ACCESS_KEY);
  });

  it('honours the address policy for the endpoint', async () => {
    const strict = { ...context, http: createOutboundHttp({ policy: new AddressPolicy() }) };
    const error = await sesEmailChannel.send(settings('http://169.254.169.254'), aNotification(), strict).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
  });

  it('never sends the role credentials to an endpoint outside AWS', () => {
    const result = sesEmailChannel.settingsSchema.safeParse({ region: 'eu-west-1', endpoint: 'https://mail.attacker.example', from: 'a@example.com', to: ['b@example.com'] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['endpoint']);
    const vpce = sesEmailChannel.settingsSchema.safeParse({ region: 'eu-west-1', endpoint: 'https://vpce-1.email.eu-west-1.vpce.amazonaws.com', from: 'a@example.com', to: ['b@example.com'] });
    expect(vpce.success).toBe(true);
  });

  it('redacts stored credentials', () => {
    const shown = JSON.stringify(sesEmailChannel.redact(settings('https://email.eu-west-1.amazonaws.com')));
    expect(shown).not.toMatch(new RegExp(`${ACCESS_KEY_ID}|${SECRET_ACCESS_KEY}`));
  });
});

describe('sigV4Signature (the tests\' reference)', () => {
  // AWS Signature Version 4 test suite, "get-vanilla" (AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service").
  it('reproduces the AWS test suite get-vanilla vector', () => {
    const signature = sigV4Signature({
      method: 'GET',
      path: '/',
      query: '',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      signedHeaders: ['host', 'x-amz-date'],
      body: '',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      service: 'service',
    });
    expect(signature).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });
});
