import { createHmac, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ChannelError, type Channel } from '../channel.js';
import { oneLine, renderText, truncateChars } from './message-text.js';
import { channelSecrets, outcomeOfResponse, parseJsonBody, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  accessKeyId: z.string().min(1).max(128),
  accessKeySecret: z.string().min(1).max(256),
  /** The approved signature name shown in 【】 before the text. */
  signName: z.string().min(1).max(64),
  /** The approved template, e.g. `SMS_123456789`, with one variable for the alert text. */
  templateCode: z.string().min(1).max(64),
  /** Name of the template variable that receives the alert text. */
  templateParamName: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('content'),
  /** Mainland numbers as 11 digits, others with their country code (no `+`, no `00`). */
  phoneNumbers: z.array(z.string().regex(/^\d{5,20}$/, 'must be digits only, with the country code outside mainland China')).min(1).max(1000),
  /** Aliyun limits a template variable's value; 35 characters fits every template type. */
  maxParamLength: z.number().int().min(5).max(500).default(35),
  regionId: z.string().min(1).default('cn-hangzhou'),
  endpoint: z.url({ protocol: /^https?$/ }).default('https://dysmsapi.aliyuncs.com/'),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
});
export type AliyunSmsSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['accessKeyId', 'accessKeySecret'];

/**
 * Aliyun (Alibaba Cloud) SMS `SendSms`, RPC style, signed with the RPC
 * HMAC-SHA1 scheme: the alert's one-line title fills one variable of an
 * approved template. Aliyun answers most failures with a `Code` in the body.
 */
export const aliyunSmsChannel: Channel<AliyunSmsSettings> = {
  type: 'sms-aliyun',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { ...settings, accessKeyId: '<secret>', accessKeySecret: '<secret>' };
  },
  async send(settings, notification, context) {
    const text = truncateChars(oneLine(renderText('title', notification, context)), settings.maxParamLength) || 'alert';
    const params: Record<string, string> = {
      AccessKeyId: settings.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: notification.id.slice(0, 256),
      PhoneNumbers: settings.phoneNumbers.join(','),
      RegionId: settings.regionId,
      SignName: settings.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: settings.templateCode,
      TemplateParam: JSON.stringify({ [settings.templateParamName]: text }),
      Timestamp: aliyunTimestamp(context.now()),
      Version: '2017-05-25',
    };
    const signature = aliyunRpcSignature('GET', params, settings.accessKeySecret);
    const query = `Signature=${aliyunPercentEncode(signature)}&${aliyunCanonicalQuery(params)}`;
    // The signature is derived from the secret but cannot reveal it; the key id and secret can.
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const response = await context.http({
        method: 'GET',
        url: `${settings.endpoint.replace(/\?.*$/, '')}?${query}`,
        headers: { accept: 'application/json' },
        timeoutMs: settings.timeoutMs,
      });
      const body = parseJsonBody(response.body) as { Code?: unknown; Message?: unknown } | undefined;
      if (typeof body?.Code === 'string') {
        if (body.Code === 'OK') return { statusCode: response.status };
        const reason = scrubbedSnippet(`${body.Code}${typeof body.Message === 'string' ? `: ${body.Message}` : ''}`, secrets);
        throw new ChannelError(`Aliyun SMS refused the message: ${reason}`, isRetryableAliyunCode(body.Code, response.status), {
          statusCode: response.status,
        });
      }
      outcomeOfResponse(response, secrets);
      throw new ChannelError('Aliyun SMS answered without a result code', true, { statusCode: response.status });
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/** Throttling and service-side failures pass; a wrong key, sign or template never will. */
function isRetryableAliyunCode(code: string, status: number): boolean {
  return /^Throttling/i.test(code) || code === 'ServiceUnavailable' || code === 'InternalError' || status >= 500;
}

/** ISO 8601 in UTC to the second, as the RPC `Timestamp` parameter expects. */
export function aliyunTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Aliyun's percent-encoding (RFC 3986): every byte except `A-Z a-z 0-9 - _ . ~`
 * is escaped, so space is `%20` and `*` is `%2A`, unlike `encodeURIComponent`.
 */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name and joined as `name=value` pairs, both percent-encoded. */
export function aliyunCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${aliyunPercentEncode(name)}=${aliyunPercentEncode(params[name] ?? '')}`)
    .join('&');
}

/** RPC signature: Base64(HMAC-SHA1(secret + "&", METHOD + "&%2F&" + encode(canonical query))). */
export function aliyunRpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const { Signature: _ignored, ...signed } = params;
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(signed))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}
