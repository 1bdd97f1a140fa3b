import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { huaweiSmsChannel, huaweiWsseHeader } from '../../../../lib/notify/channels/sms-huawei.js';
import { aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest, type Responder } from '../../../helpers/http-receiver.js';
import { authorizationParams, huaweiPasswordDigest } from './reference-signatures.js';

const APP_KEY = 'c8RWg3ggEcyd4D3p94bf3Y7x1Ile';
const APP_SECRET = 'q4Ii87BhST9vcs8wvrzN80SfD7Al';
const NOW = new Date('2026-11-25T10:01:00Z');

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => NOW,
  externalURL: 'https://tidings.example',
  renderer: { render: () => 'Node down: node-1' },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** What the SMS gateway checks: path, form body, the WSSE headers and the digest. */
function verifyHuaweiRequest(request: ReceivedRequest): string | undefined {
  if (request.method !== 'POST' || request.path !== '/sms/batchSendSms/v1') return 'E000404';
  if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') return 'E000101';
  if (request.headers.authorization !== 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"') return 'E000001';
  const header = String(request.headers['x-wsse'] ?? '');
  if (!header.startsWith('UsernameToken ')) return 'E000002';
  const wsse = authorizationParams(header);
  if (wsse.Username !== APP_KEY) return 'E000004';
  if (!/^[A-Za-z0-9]{1,128}$/.test(wsse.Nonce ?? '')) return 'E000003';
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(wsse.Created ?? '') || Math.abs(Date.parse(wsse.Created!) - NOW.getTime()) > 60_000) return 'E000110';
  if (wsse.PasswordDigest !== huaweiPasswordDigest(wsse.Nonce!, wsse.Created!, APP_SECRET)) return 'E000005';
  const form = new URLSearchParams(request.body);
  if (!form.get('from') || !form.get('to') || !form.get('templateId')) return 'E000503';
  return undefined;
}

async function huaweiAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request) => {
        const code = verifyHuaweiRequest(request);
        if (code !== undefined) return { status: code === 'E000404' ? 404 : 401, body: JSON.stringify({ code, description: 'refused' }) };
        const to = new URLSearchParams(request.body).get('to')!.split(',');
        const result = to.map((originTo) => ({ originTo, createTime: NOW.toISOString(), from: '8824012345678', smsMsgId: 'm', status: '000000' }));
        return { status: 200, body: JSON.stringify({ result, code: '000000', description: 'Success' }) };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return huaweiSmsChannel.settingsSchema.parse({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    sender: '8824012345678',
    templateId: '8ff55eac1d0b478ab3c06c3c6a492300',
    signature: '华为云短信测试',
    phoneNumbers: ['+8615123456789', '+8615223456789'],
    endpoint: url,
    ...extra,
  });
}

describe('huaweiSmsChannel', () => {
  it('posts the form with X-WSSE authentication the gateway verifies', async () => {
    const receiver = await huaweiAnswering();

    const outcome = await huaweiSmsChannel.send(settings(receiver.url), aNotification(), context);

    expect(verifyHuaweiRequest(receiver.requests[0]!)).toBeUndefined();
    expect(outcome.statusCode).toBe(200);
    const form = new URLSearchParams(receiver.requests[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      from: '8824012345678',
      to: '+8615123456789,+8615223456789',
      templateId: '8ff55eac1d0b478ab3c06c3c6a492300',
      templateParas: '["Node down: node-1"]',
      signature: '华为云短信测试',
    });
  });

  it('uses a fresh nonce for every request', async () => {
    const receiver = await huaweiAnswering();
    await huaweiSmsChannel.send(settings(receiver.url), aNotification(), context);
    await huaweiSmsChannel.send(settings(receiver.url), aNotification(), context);
    const nonces = receiver.requests.map((request) => authorizationParams(String(request.headers['x-wsse'])).Nonce);
    expect(new Set(nonces).size).toBe(2);
  });

  it('cuts the template variable to its limit with a marker', async () => {
    const receiver = await huaweiAnswering();
    await huaweiSmsChannel.send(settings(receiver.url, { maxParamLength: 10 }), aNotification(), context);
    expect(JSON.parse(new URLSearchParams(receiver.requests[0]!.body).get('templateParas')!)).toEqual(['Node down…']);
  });

  it('reports a refused digest as permanent without the app secret', async () => {
    const receiver = await huaweiAnswering();
    const error = await huaweiSmsChannel.send({ ...settings(receiver.url), appSecret: 'wrong-app-secret' }, aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('E000005');
    expect(error.message).not.toContain('wrong-app-secret');
  });

  it.each([429, 500])('retries HTTP %i', async (status) => {
    const receiver = await huaweiAnswering(() => ({ status, body: '{"code":"E000510","description":"busy"}' }));
    const error = await huaweiSmsChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(true);
  });

  it('redacts the app key and secret', () => {
    expect(JSON.stringify(huaweiSmsChannel.redact(settings('https://smsapi.example')))).not.toMatch(new RegExp(`${APP_KEY}|${APP_SECRET}`));
  });
});

describe('huaweiWsseHeader', () => {
  // Huawei's documentation gives an example X-WSSE header but not the app secret behind it, so
  // there is no published vector to reproduce; its digest does decode to 64 hex digits, which
  // fixes the encoding as Base64 of the hex SHA-256. This checks that shape and the fields.
  it('formats the UsernameToken with a Base64-of-hex digest and a second-precision Created', () => {
    const header = huaweiWsseHeader('key', 'secret', 'ac1c911c4792492687f8f6b2264a491e', new Date('2018-05-26T00:35:30.789Z'));
    const fields = authorizationParams(header);
    expect(fields.Created).toBe('2018-05-26T00:35:30Z');
    expect(Buffer.from(fields.PasswordDigest!, 'base64').toString()).toMatch(/^[0-9a-f]{64}$/);
    expect(fields.PasswordDigest).toBe(huaweiPasswordDigest('ac1c911c4792492687f8f6b2264a491e', '2018-05-26T00:35:30Z', 'secret'));
    expect(Buffer.from('NDA1MWIwNjI2ZTkyNWFlM2FhMTE5NDE1YTk5NjU1YWE4NjNlZTY1MmRhYzkxZGViNzczZjdjMjkzZWQ4ZjAwNA==', 'base64').toString()).toMatch(/^[0-9a-f]{64}$/);
  });
});
