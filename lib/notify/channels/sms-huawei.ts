import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ChannelError, type Channel } from '../channel.js';
import { oneLine, renderText, truncateChars } from './message-text.js';
import { channelSecrets, outcomeOfResponse, parseJsonBody, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';
import { e164Schema } from './sms-sns.js';

const SEND_PATH = '/sms/batchSendSms/v1';

/** The fixed `Authorization` value that tells the gateway to read `X-WSSE`. */
export const HUAWEI_WSSE_AUTHORIZATION = 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"';

const settingsSchema = z.object({
  appKey: z.string().min(1).max(128),
  appSecret: z.string().min(1).max(256),
  /** The channel number (sender) the application was given, e.g. `8824012345678`. */
  sender: z.string().min(1).max(64),
  templateId: z.string().min(1).max(64),
  /** Signature name; needed only with a general-purpose template. */
  signature: z.string().max(64).optional(),
  phoneNumbers: z.array(e164Schema).min(1).max(500),
  /** Huawei limits a template variable's length; the alert text is cut to this with a marker. */
  maxParamLength: z.number().int().min(5).max(500).default(20),
  /** The application's access address from the console (region specific). */
  endpoint: z.url({ protocol: /^https?$/ }).default('https://smsapi.cn-north-4.myhuaweicloud.com:443'),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
});
export type HuaweiSmsSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['appKey', 'appSecret'];

/**
 * Huawei Cloud SMS `batchSendSms/v1` with X-WSSE (UsernameToken) authentication:
 * a form body naming the sender, numbers, template and its one variable.
 * Success is `code: "000000"` in the body.
 */
export const huaweiSmsChannel: Channel<HuaweiSmsSettings> = {
  type: 'sms-huawei',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { ...settings, appKey: '<secret>', appSecret: '<secret>' };
  },
  async send(settings, notification, context) {
    const text = truncateChars(oneLine(renderText('title', notification, context)), settings.maxParamLength) || 'alert';
    const form = new URLSearchParams({
      from: settings.sender,
      to: settings.phoneNumbers.join(','),
      templateId: settings.templateId,
      templateParas: JSON.stringify([text]),
    });
    if (settings.signature !== undefined) form.set('signature', settings.signature);
    const wsse = huaweiWsseHeader(settings.appKey, settings.appSecret, randomBytes(16).toString('hex'), context.now());
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const response = await context.http({
        method: 'POST',
        url: new URL(SEND_PATH, settings.endpoint).toString(),
        headers: {
          authorization: HUAWEI_WSSE_AUTHORIZATION,
          'x-wsse': wsse,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        timeoutMs: settings.timeoutMs,
      });
      const body = parseJsonBody(response.body) as { code?: unknown; description?: unknown } | undefined;
      if (body?.code === '000000') return { statusCode: response.status };
      if (typeof body?.code === 'string') {
        const reason = scrubbedSnippet(`${body.code}${typeof body.description === 'string' ? `: ${body.description}` : ''}`, secrets);
        throw new ChannelError(`Huawei SMS refused the message: ${reason}`, response.status === 429 || response.status >= 500, {
          statusCode: response.status,
        });
      }
      outcomeOfResponse(response, secrets);
      throw new ChannelError('Huawei SMS answered without a result code', true, { statusCode: response.status });
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/**
 * The `X-WSSE` UsernameToken. The digest is SHA-256 over nonce + created +
 * secret; Huawei's own samples (and the example request in its docs, whose
 * digest decodes to 64 hex digits) Base64-encode the lowercase hex form of
 * that hash, not the raw bytes, and the gateway checks exactly that.
 */
export function huaweiWsseHeader(appKey: string, appSecret: string, nonce: string, now: Date): string {
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const hexDigest = createHash('sha256').update(nonce + created + appSecret, 'utf8').digest('hex');
  const passwordDigest = Buffer.from(hexDigest, 'utf8').toString('base64');
  return `UsernameToken Username="${appKey}",PasswordDigest="${passwordDigest}",Nonce="${nonce}",Created="${created}"`;
}
