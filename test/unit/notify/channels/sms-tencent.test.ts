import { afterEach, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import { ChannelError, type ChannelContext } from '../../../../lib/notify/channel.js';
import { tc3Authorization, tencentSmsChannel } from '../../../../lib/notify/channels/sms-tencent.js';
import { aNotification } from '../../../helpers/builders.js';
import { startHttpReceiver, type ReceivedRequest, type Responder } from '../../../helpers/http-receiver.js';
import { authorizationParams, tc3Signature } from './reference-signatures.js';

const SECRET_ID = 'AKIDexampleSecretId0123456789';
const SECRET_KEY = 'exampleSecretKey0123456789abcd';
const NOW = new Date('2026-11-25T10:01:00Z');

const context: ChannelContext = {
  http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
  now: () => NOW,
  externalURL: 'https://tidings.example',
  renderer: { render: () => '[FIRING:1] HighErrorRate' },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** What the API 3.0 gateway checks: common headers, the credential scope and the recomputed signature. */
function verifyTencentRequest(request: ReceivedRequest): string | undefined {
  if (request.method !== 'POST' || request.path !== '/') return 'InvalidAction';
  if (request.headers['content-type'] !== 'application/json; charset=utf-8') return 'InvalidParameter.ContentType';
  if (request.headers['x-tc-action'] !== 'SendSms' || request.headers['x-tc-version'] !== '2021-01-11') return 'InvalidAction';
  if (!request.headers['x-tc-region']) return 'MissingParameter.Region';
  const timestamp = Number(request.headers['x-tc-timestamp']);
  if (Math.abs(timestamp - NOW.getTime() / 1000) > 300) return 'AuthFailure.SignatureExpire';
  const authorization = String(request.headers.authorization ?? '');
  if (!authorization.startsWith('TC3-HMAC-SHA256 ')) return 'AuthFailure.InvalidAuthorization';
  const params = authorizationParams(authorization);
  if (params.Credential !== `${SECRET_ID}/${NOW.toISOString().slice(0, 10)}/sms/tc3_request`) return 'AuthFailure.SecretIdNotFound';
  const signedHeaders = (params.SignedHeaders ?? '').split(';');
  if (!signedHeaders.includes('content-type') || !signedHeaders.includes('host')) return 'AuthFailure.InvalidAuthorization';
  const expected = tc3Signature({ headers: request.headers, signedHeaders, body: request.body, secretKey: SECRET_KEY, service: 'sms', timestamp });
  return params.Signature === expected ? undefined : 'AuthFailure.SignatureFailure';
}

async function tencentAnswering(responder?: Responder) {
  const receiver = await startHttpReceiver(
    responder ??
      ((request) => {
        const code = verifyTencentRequest(request);
        if (code !== undefined) return { status: 200, body: JSON.stringify({ Response: { Error: { Code: code, Message: 'refused' }, RequestId: 'r-2' } }) };
        const body = request.json();
        const statuses = body.PhoneNumberSet.map((phone: string) => ({ SerialNo: 's', PhoneNumber: phone, Fee: 1, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }));
        return { status: 200, body: JSON.stringify({ Response: { SendStatusSet: statuses, RequestId: 'r-1' } }) };
      }),
  );
  close = receiver.close;
  return receiver;
}

function settings(url: string, extra: Record<string, unknown> = {}) {
  return tencentSmsChannel.settingsSchema.parse({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    smsSdkAppId: '1400006666',
    signName: '腾讯云',
    templateId: '1110',
    phoneNumbers: ['+8613711112222', '+8613811112222'],
    endpoint: `${url}/`,
    ...extra,
  });
}

describe('tencentSmsChannel', () => {
  it('sends SendSms signed with TC3-HMAC-SHA256, verified independently by the server', async () => {
    const receiver = await tencentAnswering();

    const outcome = await tencentSmsChannel.send(settings(receiver.url), aNotification(), context);

    const request = receiver.requests[0]!;
    expect(verifyTencentRequest(request)).toBeUndefined();
    expect(outcome.statusCode).toBe(200);
    expect(request.headers['x-tc-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(request.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(request.json()).toMatchObject({
      PhoneNumberSet: ['+8613711112222', '+8613811112222'],
      SmsSdkAppId: '1400006666',
      SignName: '腾讯云',
      TemplateId: '1110',
      TemplateParamSet: ['[FIRING:1] HighErrorRate'],
    });
  });

  it('reads Response.Error from an HTTP 200: LimitExceeded retries, a signature failure does not', async () => {
    let receiver = await tencentAnswering(() => ({ status: 200, body: '{"Response":{"Error":{"Code":"LimitExceeded.PhoneNumberThirtySecondLimit","Message":"slow down"},"RequestId":"r"}}' }));
    let error = await tencentSmsChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error.retryable).toBe(true);
    await close?.();

    receiver = await tencentAnswering();
    error = await tencentSmsChannel.send({ ...settings(receiver.url), secretKey: 'not-the-right-key' }, aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('AuthFailure.SignatureFailure');
    expect(error.message).not.toContain('not-the-right-key');
  });

  it('fails when no number was reached, and succeeds when some were', async () => {
    const failing = (codes: string[]) => () => ({
      status: 200,
      body: JSON.stringify({ Response: { SendStatusSet: codes.map((Code) => ({ Code, PhoneNumber: '+86', Message: Code })), RequestId: 'r' } }),
    });
    let receiver = await tencentAnswering(failing(['FailedOperation.PhoneNumberInBlacklist', 'FailedOperation.PhoneNumberInBlacklist']));
    const error = await tencentSmsChannel.send(settings(receiver.url), aNotification(), context).catch((e) => e);
    expect(error.retryable).toBe(false);
    await close?.();

    receiver = await tencentAnswering(failing(['Ok', 'FailedOperation.PhoneNumberInBlacklist']));
    await expect(tencentSmsChannel.send(settings(receiver.url), aNotification(), context)).resolves.toEqual({ statusCode: 200 });
  });

  it('redacts both keys', () => {
    expect(JSON.stringify(tencentSmsChannel.redact(settings('https://sms.tencentcloudapi.com')))).not.toMatch(new RegExp(`${SECRET_ID}|${SECRET_KEY}`));
  });
});

describe('tc3Authorization', () => {
  // Tencent Cloud API 3.0 "Signature v3" document, worked example (CVM DescribeInstances,
  // timestamp 1551113065, the document's masked key used literally, asterisks included).
  it('reproduces the documented DescribeInstances example', () => {
    const authorization = tc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      contentType: 'application/json; charset=utf-8',
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
      timestamp: 1551113065,
    });
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });
});
