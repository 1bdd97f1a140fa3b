import { afterEach, describe, expect, it } from 'vitest';
import { awsChannelServices } from '../../../../lib/aws/aws-channel-services.js';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { snsSmsChannel } from '../../../../lib/notify/channels/sms-sns.js';
import { aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest, type Responder } from '../../../helpers/http-receiver.js';
import { sigV4Signature } from './reference-signatures.js';

const ACCESS_KEY_ID = 'AKIAEXAMPLESNSKEY001';
const SECRET_ACCESS_KEY = 'snsSecretAccessKeyExample/0123456789abcdef';

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => new Date('2026-11-25T10:01:00Z'),
  externalURL: 'https://tidings.example',
  aws: awsChannelServices,
  renderer: { render: (kind) => (kind === 'title' ? '[FIRING:1] HighErrorRate\nprod-eu' : 'long text') },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** What SNS checks for Publish over the query protocol: form body, action, version, and the SigV4 signature. */
function verifySnsRequest(request: ReceivedRequest): string | undefined {
  const [path = '', query = ''] = request.path.split('?');
  if (request.method !== 'POST' || path !== '/') return 'InvalidAction';
  if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) return 'MalformedQueryString';
  const form = new URLSearchParams(request.body);
  if (form.get('Action') !== 'Publish' || form.get('Version') !== '2010-03-31') return 'InvalidAction';
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/([a-z]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
    String(request.headers.authorization ?? ''),
  );
  if (match === null) return 'IncompleteSignature';
  const [, keyId, region, service, signedHeaders = '', signature] = match;
  if (keyId !== ACCESS_KEY_ID || region !== 'ap-southeast-1' || service !== 'sns') return 'InvalidClientTokenId';
  const expected = sigV4Signature({
    method: 'POST',
    path,
    query,
    headers: request.headers,
    signedHeaders: signedHeaders.split(';'),
    body: request.body,
    secretAccessKey: SECRET_ACCESS_KEY,
    region: 'ap-southeast-1',
    service: 'sns',
  });
  return signature === expected ? undefined : 'SignatureDoesNotMatch';
}

function errorXml(code: string, type = 'Sender') {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`;
}

async function snsAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request, index) => {
        const code = verifySnsRequest(request);
        return code === undefined
          ? {
              status: 200,
              headers: { 'content-type': 'text/xml' },
              body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${index}</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`,
            }
          : { status: 403, headers: { 'content-type': 'text/xml' }, body: errorXml(code) };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return snsSmsChannel.settingsSchema.parse({
    region: 'ap-southeast-1',
    endpoint: url,
    phoneNumbers: ['+6591234567', '+4915112345678'],
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    ...extra,
  });
}

describe('snsSmsChannel', () => {
  it('publishes a transactional SMS to each number, signed with SigV4 for sns', async () => {
    const receiver = await snsAnswering();

    const outcome = await snsSmsChannel.send(settings(receiver.url, { senderId: 'Tidings' }), aNotification(), context);

    expect(outcome.statusCode).toBe(200);
    expect(receiver.requests).toHaveLength(2);
    for (const request of receiver.requests) expect(verifySnsRequest(request)).toBeUndefined();
    const forms = receiver.requests.map((request) => new URLSearchParams(request.body));
    expect(forms.map((form) => form.get('PhoneNumber'))).toEqual(['+6591234567', '+4915112345678']);
    expect(forms[0]!.get('Message')).toBe('[FIRING:1] HighErrorRate prod-eu');
    const attributes = Object.fromEntries(
      [1, 2].map((n) => [forms[0]!.get(`MessageAttributes.entry.${n}.Name`), forms[0]!.get(`MessageAttributes.entry.${n}.Value.StringValue`)]),
    );
    expect(attributes).toEqual({ 'AWS.SNS.SMS.SMSType': 'Transactional', 'AWS.SNS.SMS.SenderID': 'Tidings' });
  });

  it('keeps a message to one segment by default, with a marker where it was cut', async () => {
    const receiver = await snsAnswering();
    const long = { ...context, renderer: { render: () => 'A'.repeat(400) } };
    await snsSmsChannel.send(settings(receiver.url, { phoneNumbers: ['+6591234567'] }), aNotification(), long);
    const message = new URLSearchParams(receiver.requests[0]!.body).get('Message')!;
    expect(message).toHaveLength(160);
    expect(message.endsWith('…')).toBe(true);
  });

  it.each([
    ['Throttling', 400, true],
    ['InternalError', 500, true],
    ['InvalidParameter', 400, false],
    ['OptedOut', 400, false],
  ])('maps %s (HTTP %i) to retryable=%s', async (code, status, retryable) => {
    const receiver = await snsAnswering(() => ({ status, headers: { 'content-type': 'text/xml' }, body: errorXml(code, status >= 500 ? 'Receiver' : 'Sender') }));
    const error = await snsSmsChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(retryable);
    expect(error.message).not.toContain(SECRET_ACCESS_KEY);
  });

  it('rejects numbers that are not E.164', () => {
    const result = snsSmsChannel.settingsSchema.safeParse({ region: 'eu-west-1', phoneNumbers: ['0151 1234'] });
    expect(result.error!.issues[0]!.path).toEqual(['phoneNumbers', 0]);
  });
});
