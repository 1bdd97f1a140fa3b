import * as z from 'zod';
import { ChannelError, type Channel, type ChannelContext, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import {
  baseUrl,
  byteLength,
  cutChars,
  DEFAULT_TIMEOUT_MS,
  hmacSha256Base64,
  jsonObject,
  postJson,
  renderWithin,
  rendererOf,
  withKeywords,
} from './chat-message.js';
import { channelSecrets, outcomeOfResponse, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  /** The robot's `access_token` from its webhook URL. */
  accessToken: z.string().min(1),
  /** Signing secret (`SEC…`) when the robot uses "加签" security. */
  secret: z.string().min(1).optional(),
  /** Custom keywords when the robot uses keyword security (up to 10); each message is made to contain them. */
  keywords: z.array(z.string().min(1)).max(10).default([]),
  atMobiles: z.array(z.string().min(1)).default([]),
  atUserIds: z.array(z.string().min(1)).default([]),
  isAtAll: z.boolean().default(false),
  apiBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://oapi.dingtalk.com'),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type DingTalkSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['accessToken', 'secret'];

/** DingTalk rejects request bodies over 20,000 bytes; leave room for the title, mentions and JSON. */
const TEXT_MAX_BYTES = 18_000;
const TITLE_MAX = 100;
/** errcode 130101: more than 20 messages a minute; the robot is throttled, so wait out the minute. */
const SEND_TOO_FAST = 130101;
const THROTTLE_RETRY_MS = 60_000;

/**
 * DingTalk signature: `urlEncode(base64(HmacSHA256(key = secret, msg = timestamp + "\n" + secret)))`,
 * with the timestamp in milliseconds (accepted within an hour of DingTalk's clock).
 */
export function dingTalkSign(timestampMs: number, secret: string): string {
  return encodeURIComponent(hmacSha256Base64(secret, `${timestampMs}\n${secret}`));
}

/**
 * DingTalk custom robot: a markdown message, optionally signed, with the
 * @-mentions both listed in `at` and written into the text (DingTalk only
 * highlights mentions that appear in the text). Keyword security is honoured
 * by making sure the keywords appear. Note: a robot takes 20 messages a minute.
 */
export const dingTalkChannel: Channel<DingTalkSettings> = {
  type: 'dingtalk',
  rateLimitPerMinute: 20,
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      accessToken: '<secret>',
      ...(settings.secret === undefined ? {} : { secret: '<secret>' }),
      keywords: settings.keywords,
      atMobiles: settings.atMobiles,
      atUserIds: settings.atUserIds,
      isAtAll: settings.isAtAll,
      apiBaseUrl: settings.apiBaseUrl,
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const mentions = [
        ...settings.atMobiles.map((mobile) => `@${mobile}`),
        ...settings.atUserIds.map((id) => `@${id}`),
        ...(settings.isAtAll ? ['@all'] : []),
      ].join(' ');
      const decorate = (text: string) => withKeywords(mentions === '' ? text : `${text}\n\n${mentions}`, settings.keywords);
      const text = decorate(renderWithin(context, 'markdown', notification, TEXT_MAX_BYTES, (rendered) => byteLength(decorate(rendered))));
      const title = cutChars(rendererOf(context).render('title', notification), TITLE_MAX);
      const response = await postJson(context, {
        url: signedUrl(settings, context),
        body: {
          msgtype: 'markdown',
          markdown: { title, text },
          at: { atMobiles: settings.atMobiles, atUserIds: settings.atUserIds, isAtAll: settings.isAtAll },
        },
        timeoutMs: settings.timeoutMs,
        secrets,
      });
      return outcomeOfRobot(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

function signedUrl(settings: DingTalkSettings, context: ChannelContext): string {
  let query = `access_token=${encodeURIComponent(settings.accessToken)}`;
  if (settings.secret !== undefined) {
    const timestamp = context.now().getTime();
    // The signature is already URL-encoded, as DingTalk's documentation builds it.
    query += `&timestamp=${timestamp}&sign=${dingTalkSign(timestamp, settings.secret)}`;
  }
  return `${baseUrl(settings.apiBaseUrl)}/robot/send?${query}`;
}

/** DingTalk answers HTTP 200 with `errcode` 0 on success and another code on failure. */
function outcomeOfRobot(response: OutboundResponse, secrets: ReadonlyArray<unknown>): SendOutcome {
  if (response.status !== 200) return outcomeOfResponse(response, secrets);
  const answer = jsonObject(response.body);
  const code = answer?.errcode;
  if (code === 0) return { statusCode: 200 };
  const reason = typeof answer?.errmsg === 'string' ? scrubbedSnippet(answer.errmsg, secrets) : 'unreadable response';
  if (code === SEND_TOO_FAST) {
    throw new ChannelError(`DingTalk throttled the robot (errcode ${code}): ${reason}`, true, { statusCode: 200, retryAfterMs: THROTTLE_RETRY_MS });
  }
  // -1 is DingTalk's "system busy".
  throw new ChannelError(`DingTalk refused the message (errcode ${String(code)}): ${reason}`, code === -1, { statusCode: 200 });
}
