import * as z from 'zod';
import { ChannelError, type Channel, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import { baseUrl, byteLength, DEFAULT_TIMEOUT_MS, jsonObject, postJson, renderWithin } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  /** The robot's `key` from its webhook URL. */
  key: z.string().min(1),
  /** WeCom user IDs to @-mention (written as `<@id>` in the markdown); `@all` is not supported in markdown. */
  mentionUserIds: z.array(z.string().min(1)).default([]),
  apiBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://qyapi.weixin.qq.com'),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type WeComSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['key'];

/** WeCom's markdown content limit, in UTF-8 bytes. */
const CONTENT_MAX_BYTES = 4096;
/** errcode 45009: API frequency limit (robots take 20 messages a minute). */
export const WECOM_RATE_LIMITED = 45009;
const THROTTLE_RETRY_MS = 60_000;

/** Maps WeCom's `{errcode, errmsg}` (sent with HTTP 200) to the outcome; shared with the app-message channel. */
export function outcomeOfWeCom(response: OutboundResponse, what: string, secrets: ReadonlyArray<unknown>): SendOutcome {
  if (response.status !== 200) return outcomeOfResponse(response, secrets);
  const answer = jsonObject(response.body);
  const code = answer?.errcode;
  if (code === 0) return { statusCode: 200 };
  // errmsg carries a hint URL after the first comma; the reason comes before it.
  const reason = typeof answer?.errmsg === 'string' ? scrubbedSnippet(answer.errmsg, secrets).split(',')[0]! : 'unreadable response';
  if (code === WECOM_RATE_LIMITED) {
    throw new ChannelError(`WeCom rate-limited the ${what} (errcode ${code}): ${reason}`, true, { statusCode: 200, retryAfterMs: THROTTLE_RETRY_MS });
  }
  // -1 is "system busy".
  throw new ChannelError(`WeCom refused the ${what} (errcode ${String(code)}): ${reason}`, code === -1, { statusCode: 200 });
}

/** WeCom (WeChat Work) group robot: a markdown message, at most 4096 bytes. */
export const weComChannel: Channel<WeComSettings> = {
  type: 'wecom',
  rateLimitPerMinute: 20,
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { key: '<secret>', mentionUserIds: settings.mentionUserIds, apiBaseUrl: settings.apiBaseUrl, timeoutMs: settings.timeoutMs };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const mentions = settings.mentionUserIds.map((id) => `<@${id}>`).join(' ');
      const decorate = (text: string) => (mentions === '' ? text : `${text}\n${mentions}`);
      const content = decorate(renderWithin(context, 'markdown', notification, CONTENT_MAX_BYTES, (text) => byteLength(decorate(text))));
      const response = await postJson(context, {
        url: `${baseUrl(settings.apiBaseUrl)}/cgi-bin/webhook/send?key=${encodeURIComponent(settings.key)}`,
        body: { msgtype: 'markdown', markdown: { content } },
        timeoutMs: settings.timeoutMs,
        secrets,
      });
      return outcomeOfWeCom(response, 'robot message', secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};
