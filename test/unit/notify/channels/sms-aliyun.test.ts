import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { aliyunPercentEncode, aliyunRpcSignature, aliyunSmsChannel } from '../../../../lib/notify/channels/sms-aliyun.js';
import { aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest, type Responder } from '../../../helpers/http-receiver.js';
import { aliyunSignature } from './reference-signatures.js';

const KEY_ID = 'LTAI5tExampleKeyId01';
const SECRET = 'ExampleSecret0123456789abcdefghij';

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => new Date('2026-11-25T10:01:00.250Z'),
  externalURL: 'https://tidings.example',
  renderer: { render: (kind) => (kind === 'title' ? '[FIRING:1] 磁盘 almost full' : 'multi\nline') },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** What dysmsapi checks before sending: action, version, signature parameters, and the signature itself. */
function verifyAliyunRequest(request: ReceivedRequest): string | undefined {
  const [path, query = ''] = request.path.split('?');
  if (request.method !== 'GET' || path !== '/') return 'InvalidAction.NotFound';
  // Decode exactly as a server would, then re-sign from the decoded values.
  const params = Object.fromEntries(query.split('&').map((pair) => pair.split('=').map((part) => decodeURIComponent(part)) as [string, string]));
  for (const name of ['AccessKeyId', 'Action', 'Format', 'PhoneNumbers', 'RegionId', 'SignName', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'TemplateCode', 'TemplateParam', 'Timestamp', 'Version', 'Signature']) {
    if (!params[name]) return `MissingParameter: ${name}`;
  }
  if (params.Action !== 'SendSms' || params.Version !== '2017-05-25') return 'InvalidVersion';
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return 'InvalidSignatureMethod';
  if (params.AccessKeyId !== KEY_ID) return 'InvalidAccessKeyId.NotFound';
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp!)) return 'InvalidTimeStamp.Format';
  if (params.Signature !== aliyunSignature('GET', params, SECRET)) return 'SignatureDoesNotMatch';
  return undefined;
}

async function aliyunAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request) => {
        const code = verifyAliyunRequest(request);
        return code === undefined
          ? { status: 200, body: JSON.stringify({ Message: 'OK', RequestId: 'r-1', BizId: 'b-1', Code: 'OK' }) }
          : { status: 400, body: JSON.stringify({ Message: `failed ${code}`, RequestId: 'r-2', Code: code }) };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return aliyunSmsChannel.settingsSchema.parse({
    accessKeyId: KEY_ID,
    accessKeySecret: SECRET,
    signName: '阿里云短信测试',
    templateCode: 'SMS_154950909',
    phoneNumbers: ['13800000000', '8613900000000'],
    endpoint: `${url}/`,
    ...extra,
  });
}

function paramsOf(request: ReceivedRequest) {
  return new URLSearchParams(request.path.split('?')[1]);
}

describe('aliyunSmsChannel', () => {
  it('sends SendSms with a signature the server recomputes from the documented algorithm', async () => {
    const receiver = await aliyunAnswering();

    const outcome = await aliyunSmsChannel.send(settings(receiver.url), aNotification(), context);

    expect(verifyAliyunRequest(receiver.requests[0]!)).toBeUndefined();
    expect(outcome.statusCode).toBe(200);
    const params = paramsOf(receiver.requests[0]!);
    expect(params.get('PhoneNumbers')).toBe('13800000000,8613900000000');
    expect(params.get('SignName')).toBe('阿里云短信测试');
    expect(params.get('TemplateCode')).toBe('SMS_154950909');
    expect(params.get('Timestamp')).toBe('2026-11-25T10:01:00Z');
    expect(JSON.parse(params.get('TemplateParam')!)).toEqual({ content: '[FIRING:1] 磁盘 almost full' });
  });

  it('encodes spaces as %20 and leaves ~ alone on the wire', async () => {
    const receiver = await aliyunAnswering();
    await aliyunSmsChannel.send(settings(receiver.url, { signName: 'Ops ~Team' }), aNotification(), context);
    expect(receiver.requests[0]!.path).toContain('SignName=Ops%20~Team');
    expect(receiver.requests[0]!.path).not.toContain('+');
  });

  it('cuts the text to the template variable limit with a marker, on one line', async () => {
    const receiver = await aliyunAnswering();
    const long = { ...context, renderer: { render: () => 'line one\nline two that is long enough to need cutting here' } };
    await aliyunSmsChannel.send(settings(receiver.url, { maxParamLength: 20 }), aNotification(), long);
    const text: string = JSON.parse(paramsOf(receiver.requests[0]!).get('TemplateParam')!).content;
    expect(Array.from(text)).toHaveLength(20);
    expect(text).toMatch(/^line one line two.*…$/);
  });

  it('reads the result code from the body: Throttling retries, a bad signature does not', async () => {
    let receiver = await aliyunAnswering(() => ({ status: 200, body: '{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}' }));
    let error = await aliyunSmsChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(true);
    await close?.();

    receiver = await aliyunAnswering();
    error = await aliyunSmsChannel.send({ ...settings(receiver.url), accessKeySecret: 'wrong-secret-value' }, aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('SignatureDoesNotMatch');
    expect(error.message).not.toContain('wrong-secret-value');
  });

  it('does not echo the access key when the provider quotes it', async () => {
    const receiver = await aliyunAnswering(() => ({ status: 404, body: JSON.stringify({ Code: 'InvalidAccessKeyId.NotFound', Message: `Specified access key ${KEY_ID} is not found.` }) }));
    const error = await aliyunSmsChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(KEY_ID);
  });

  it('redacts both keys', () => {
    expect(JSON.stringify(aliyunSmsChannel.redact(settings('https://dysmsapi.aliyuncs.com')))).not.toMatch(new RegExp(`${KEY_ID}|${SECRET}`));
  });
});

describe('aliyunRpcSignature', () => {
  // Alibaba Cloud, "Signature mechanism" (RPC), worked example for ECS DescribeRegions
  // (e.g. help.aliyun.com/en/document_detail/145075.html): AccessKeySecret "testsecret".
  it('reproduces the documented DescribeRegions example', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(aliyunRpcSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  // Aliyun SMS API documentation's signature example for SendSms (help.aliyun.com/document_detail/56189.html,
  // as quoted by several client libraries): AccessKeySecret "testSecret".
  it('reproduces the documented SendSms example with a Chinese sign name', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(aliyunRpcSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('percent-encodes per RFC 3986 with space as %20 and ~ kept', () => {
    expect(aliyunPercentEncode("a b~*'()!/")).toBe('a%20b~%2A%27%28%29%21%2F');
  });
});
