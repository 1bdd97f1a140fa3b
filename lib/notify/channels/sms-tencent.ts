import { createHash, createHmac } from 'node:crypto';
import * as z from 'zod';
import { ChannelError, type Channel } from '../channel.js';
import { oneLine, renderText, truncateChars } from './message-text.js';
import { channelSecrets, outcomeOfResponse, parseJsonBody, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';
import { e164Schema } from './sms-sns.js';

const SERVICE = 'sms';
const ACTION = 'SendSms';
const VERSION = '2021-01-11';
const CONTENT_TYPE = 'application/json; charset=utf-8';

const settingsSchema = z.object({
  secretId: z.string().min(1).max(128),
  secretKey: z.string().min(1).max(256),
  /** The SMS application's SdkAppId, e.g. `1400006666`. */
  smsSdkAppId: z.string().regex(/^\d+$/),
  /** The approved signature; required for mainland China messages. */
  signName: z.string().max(64).optional(),
  /** The approved template with one variable for the alert text. */
  templateId: z.string().regex(/^\d+$/),
  phoneNumbers: z.array(e164Schema).min(1).max(200),
  /** Tencent limits a template variable's length; the alert text is cut to this with a marker. */
  maxParamLength: z.number().int().min(5).max(500).default(35),
  region: z.string().min(1).default('ap-guangzhou'),
  endpoint: z.url({ protocol: /^https?$/ }).default('https://sms.tencentcloudapi.com/'),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
});
export type TencentSmsSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['secretId', 'secretKey'];

interface TencentResponse {
  Response?: {
    Error?: { Code?: string; Message?: string };
    SendStatusSet?: Array<{ Code?: string; Message?: string; PhoneNumber?: string }>;
  };
}

/**
 * Tencent Cloud SMS `SendSms` (API 3.0, version 2021-01-11), signed with
 * TC3-HMAC-SHA256. Errors come back as HTTP 200 with `Response.Error`, and
 * per-number outcomes in `SendStatusSet`, so the body decides.
 */
export const tencentSmsChannel: Channel<TencentSmsSettings> = {
  type: 'sms-tencent',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { ...settings, secretId: '<secret>', secretKey: '<secret>' };
  },
  async send(settings, notification, context) {
    const text = truncateChars(oneLine(renderText('title', notification, context)), settings.maxParamLength) || 'alert';
    const payload = JSON.stringify({
      PhoneNumberSet: settings.phoneNumbers,
      SmsSdkAppId: settings.smsSdkAppId,
      ...(settings.signName === undefined ? {} : { SignName: settings.signName }),
      TemplateId: settings.templateId,
      TemplateParamSet: [text],
      SessionContext: notification.id.slice(0, 512),
    });
    const url = new URL(settings.endpoint);
    const timestamp = Math.floor(context.now().getTime() / 1000);
    const authorization = tc3Authorization({
      secretId: settings.secretId,
      secretKey: settings.secretKey,
      service: SERVICE,
      host: url.host,
      contentType: CONTENT_TYPE,
      action: ACTION,
      payload,
      timestamp,
    });
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const response = await context.http({
        method: 'POST',
        url: url.toString(),
        headers: {
          authorization,
          'content-type': CONTENT_TYPE,
          host: url.host,
          'x-tc-action': ACTION,
          'x-tc-version': VERSION,
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': settings.region,
        },
        body: payload,
        timeoutMs: settings.timeoutMs,
      });
      const body = parseJsonBody(response.body) as TencentResponse | undefined;
      const error = body?.Response?.Error;
      if (error !== undefined) {
        const code = error.Code ?? 'UnknownError';
        throw new ChannelError(`Tencent SMS refused the message: ${scrubbedSnippet(`${code}: ${error.Message ?? ''}`, secrets)}`, isRetryableTencentCode(code), {
          statusCode: response.status,
        });
      }
      outcomeOfResponse(response, secrets);
      const statuses = body?.Response?.SendStatusSet ?? [];
      const failed = statuses.filter((status) => status.Code !== 'Ok');
      // Some numbers reached: resending would duplicate those, so only a total failure fails the send.
      if (statuses.length > 0 && failed.length === statuses.length) {
        const code = failed[0]?.Code ?? 'UnknownError';
        throw new ChannelError(`Tencent SMS sent to no number: ${scrubbedSnippet(code, secrets)}`, isRetryableTencentCode(code), { statusCode: response.status });
      }
      return { statusCode: response.status };
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

function isRetryableTencentCode(code: string): boolean {
  return /^(LimitExceeded|RequestLimitExceeded|InternalError|ResourceUnavailable\.ServiceUnavailable)/.test(code);
}

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  contentType: string;
  /** When set, `x-tc-action` is signed too, as Tencent's current SDKs do. */
  action?: string;
  payload: string;
  /** Unix seconds; the credential scope uses its UTC date. */
  timestamp: number;
}

/**
 * The TC3-HMAC-SHA256 `Authorization` header for a POST to `/` with a JSON body:
 * canonical request -> string to sign over `date/service/tc3_request` -> HMAC
 * with the key derived from `"TC3" + secretKey` through date, service and `tc3_request`.
 */
export function tc3Authorization(request: Tc3Request): string {
  const date = new Date(request.timestamp * 1000).toISOString().slice(0, 10);
  const headers: Array<[string, string]> = [
    ['content-type', request.contentType],
    ['host', request.host],
    ...(request.action === undefined ? [] : [['x-tc-action', request.action.toLowerCase()] as [string, string]]),
  ];
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonicalRequest = [
    'POST',
    '/',
    '',
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    sha256Hex(request.payload),
  ].join('\n');
  const scope = `${date}/${request.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(request.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const dateKey = hmac(`TC3${request.secretKey}`, date);
  const serviceKey = hmac(dateKey, request.service);
  const signingKey = hmac(serviceKey, 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${request.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}
