import * as z from 'zod';
import { ChannelError, type Channel, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import type { NotificationMessage } from '../../pipeline/messages.js';
import { baseUrl, byteLength, cutChars, DEFAULT_TIMEOUT_MS, hmacSha256Base64, jsonObject, postJson, renderWithin, rendererOf, withKeywords } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

/** Feishu (China) and Lark (international) run the same bot API on different hosts. */
const HOSTS = { feishu: 'https://open.feishu.cn', lark: 'https://open.larksuite.com' } as const;

const settingsSchema = z.object({
  /** The token at the end of the bot's webhook URL (`…/open-apis/bot/v2/hook/<token>`). */
  token: z.string().min(1),
  /** Signing secret when the bot has "signature verification" on. */
  secret: z.string().min(1).optional(),
  /** Custom keywords when the bot uses keyword security; each message is made to contain them. */
  keywords: z.array(z.string().min(1)).max(10).default([]),
  region: z.enum(['feishu', 'lark']).default('feishu'),
  /** Overrides the host chosen by `region` (tests, proxies). */
  apiBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type FeishuSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['token', 'secret'];

/** Feishu rejects bodies over 20 KB; the card's JSON, header and button take the rest. */
const BODY_MAX_BYTES = 19_000;
/** code 11232: the bot sent more than 5 a second or 100 a minute. */
const THROTTLED = 11232;
const THROTTLE_RETRY_MS = 60_000;

/**
 * Feishu signature: base64 of HmacSHA256 whose key is `timestamp + "\n" + secret`
 * over an empty message, the timestamp in seconds; both go in the JSON body.
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return hmacSha256Base64(`${timestampSeconds}\n${secret}`, '');
}

function cardColour(notification: NotificationMessage): string {
  if (notification.status === 'resolved') return 'green';
  const severity = notification.commonLabels.severity;
  return severity === 'warning' ? 'orange' : severity === 'info' ? 'blue' : 'red';
}

function card(title: string, text: string, notification: NotificationMessage, externalURL: string) {
  return {
    config: { wide_screen_mode: true },
    header: { template: cardColour(notification), title: { tag: 'plain_text', content: title } },
    elements: [
      { tag: 'div', text: { tag: 'lark_md', content: text } },
      ...(externalURL === ''
        ? []
        : [{ tag: 'action', actions: [{ tag: 'button', type: 'default', url: externalURL, text: { tag: 'plain_text', content: 'tidings' } }] }]),
    ],
  };
}

/**
 * Feishu/Lark custom bot: an interactive card whose header colour says firing
 * (red, orange for warnings) or resolved (green), optionally signed.
 */
export const feishuChannel: Channel<FeishuSettings> = {
  type: 'feishu',
  rateLimitPerMinute: 100,
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      token: '<secret>',
      ...(settings.secret === undefined ? {} : { secret: '<secret>' }),
      keywords: settings.keywords,
      region: settings.region,
      ...(settings.apiBaseUrl === undefined ? {} : { apiBaseUrl: settings.apiBaseUrl }),
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const title = cutChars(rendererOf(context).render('title', notification), 200);
      const signature =
        settings.secret === undefined
          ? {}
          : (() => {
              const timestamp = Math.floor(context.now().getTime() / 1000);
              return { timestamp: String(timestamp), sign: feishuSign(timestamp, settings.secret) };
            })();
      const build = (text: string) => ({
        ...signature,
        msg_type: 'interactive',
        card: card(title, withKeywords(text, settings.keywords), notification, context.externalURL),
      });
      const text = renderWithin(context, 'markdown', notification, BODY_MAX_BYTES, (rendered) => byteLength(JSON.stringify(build(rendered))));
      const host = settings.apiBaseUrl ?? HOSTS[settings.region];
      const response = await postJson(context, {
        url: `${baseUrl(host)}/open-apis/bot/v2/hook/${encodeURIComponent(settings.token)}`,
        body: build(text),
        timeoutMs: settings.timeoutMs,
        secrets,
      });
      return outcomeOfBot(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/** Feishu answers 200 with `code` (newer) or `StatusCode` (older) 0 on success. */
function outcomeOfBot(response: OutboundResponse, secrets: ReadonlyArray<unknown>): SendOutcome {
  const answer = jsonObject(response.body);
  const code = answer?.code ?? answer?.StatusCode;
  if (response.status === 200 && code === 0) return { statusCode: 200 };
  if (response.status !== 200 && typeof code !== 'number') return outcomeOfResponse(response, secrets);
  // A 200 without a result code may still have been delivered: not retried, so no duplicate.
  if (typeof code !== 'number') throw new ChannelError('Feishu answered without a result code', false, { statusCode: response.status });
  const rawReason = answer?.msg ?? answer?.StatusMessage;
  const reason = typeof rawReason === 'string' ? scrubbedSnippet(rawReason, secrets) : '';
  if (code === THROTTLED || response.status === 429) {
    throw new ChannelError(`Feishu throttled the bot (code ${code}): ${reason}`, true, { statusCode: response.status, retryAfterMs: THROTTLE_RETRY_MS });
  }
  throw new ChannelError(`Feishu refused the message (code ${code}): ${reason}`, response.status >= 500, { statusCode: response.status });
}
