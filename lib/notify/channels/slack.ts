import * as z from 'zod';
import { ChannelError, type Channel, type SendOutcome } from '../channel.js';
import { baseUrl, cutChars, DEFAULT_TIMEOUT_MS, jsonObject, postJson, renderWithin, rendererOf } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, redactUrl, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const settingsSchema = z
  .object({
    /** Incoming webhook (`https://hooks.slack.com/services/…`): the URL is the secret. */
    webhookUrl: httpUrl.optional(),
    /** Bot token (`xoxb-…`) for `chat.postMessage`. */
    token: z.string().min(1).optional(),
    /** Channel ID or name for `chat.postMessage`. */
    channel: z.string().min(1).optional(),
    /** Reply in this thread (`chat.postMessage` only). */
    threadTs: z.string().min(1).optional(),
    /** Web API base; the real one unless a test or proxy stands in. */
    apiBaseUrl: httpUrl.default('https://slack.com/api'),
    timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
  })
  .superRefine((settings, context) => {
    if ((settings.webhookUrl === undefined) === (settings.token === undefined)) {
      context.addIssue({ code: 'custom', path: ['webhookUrl'], message: 'set either webhookUrl, or token and channel' });
    }
    if (settings.token !== undefined && settings.channel === undefined) {
      context.addIssue({ code: 'custom', path: ['channel'], message: 'chat.postMessage needs a channel' });
    }
  });
export type SlackSettings = z.infer<typeof settingsSchema>;

/** An incoming webhook URL is itself the credential; so is a bot token. */
const secretSettings = ['webhookUrl', 'token'];

/** Block Kit limits: header text 150 characters, section text 3000, 50 blocks per message. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
/** Well below Slack's 40,000-character cut and its 50-block cap (about 14 sections). */
const BODY_MAX = 40_000;

/** Errors Slack reports as `{ok:false}` that go away by themselves. */
const RETRYABLE_ERRORS = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** mrkdwn treats `&`, `<` and `>` as control characters; everything else is text. */
function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char] ?? char);
}

/** Splits text into section-sized chunks at line breaks where possible. */
function sections(text: string): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > SECTION_MAX) {
    const breakAt = rest.lastIndexOf('\n', SECTION_MAX);
    let end = breakAt > SECTION_MAX / 2 ? breakAt : SECTION_MAX;
    // Never split an escape such as `&amp;`.
    const amp = rest.lastIndexOf('&', end);
    if (amp > end - 5 && rest.indexOf(';', amp) >= end) end = amp;
    chunks.push(rest.slice(0, end));
    rest = rest.slice(end).replace(/^\n/, '');
  }
  if (rest.trim() !== '') chunks.push(rest);
  return chunks;
}

/**
 * Slack: an incoming webhook, or `chat.postMessage` with a bot token. Sends a
 * Block Kit message (header plus mrkdwn sections) with the title as the
 * `text` fallback that notifications and screen readers use.
 */
export const slackChannel: Channel<SlackSettings> = {
  type: 'slack',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      ...(settings.webhookUrl === undefined ? {} : { webhookUrl: redactUrl(settings.webhookUrl) }),
      ...(settings.token === undefined ? {} : { token: '<secret>' }),
      ...(settings.channel === undefined ? {} : { channel: settings.channel }),
      ...(settings.threadTs === undefined ? {} : { threadTs: settings.threadTs }),
      apiBaseUrl: settings.apiBaseUrl,
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const title = rendererOf(context).render('title', notification);
      const text = renderWithin(context, 'text', notification, BODY_MAX, (rendered) => escapeMrkdwn(rendered).length);
      const blocks = [
        { type: 'header', text: { type: 'plain_text', text: cutChars(title, HEADER_MAX), emoji: true } },
        ...sections(escapeMrkdwn(text)).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } })),
      ];
      const message = { text: cutChars(escapeMrkdwn(title), SECTION_MAX), blocks };

      if (settings.webhookUrl !== undefined) {
        const response = await postJson(context, { url: settings.webhookUrl, body: message, timeoutMs: settings.timeoutMs, secrets });
        return outcomeOfResponse(response, secrets);
      }
      const response = await postJson(context, {
        url: `${baseUrl(settings.apiBaseUrl)}/chat.postMessage`,
        headers: { authorization: `Bearer ${settings.token}` },
        body: { channel: settings.channel, ...message, ...(settings.threadTs === undefined ? {} : { thread_ts: settings.threadTs }), unfurl_links: false },
        timeoutMs: settings.timeoutMs,
        secrets,
      });
      return outcomeOfWebApi(response.status, response.body, secrets, () => outcomeOfResponse(response, secrets));
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/** The Web API answers HTTP 200 with `{ok:false,error}`; only the body says whether the message went out. */
function outcomeOfWebApi(status: number, body: string, secrets: ReadonlyArray<unknown>, byStatus: () => SendOutcome): SendOutcome {
  if (status !== 200) return byStatus();
  const answer = jsonObject(body);
  if (answer?.ok === true) return { statusCode: status };
  const error = typeof answer?.error === 'string' ? scrubbedSnippet(answer.error, secrets) : 'unreadable response';
  const retryable = RETRYABLE_ERRORS.has(error);
  throw new ChannelError(`Slack refused the message: ${error}`, retryable, {
    statusCode: status,
    ...(error === 'ratelimited' || error === 'rate_limited' ? { retryAfterMs: 1000 } : {}),
  });
}
