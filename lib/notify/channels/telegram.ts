import * as z from 'zod';
import { ChannelError, type Channel, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import { baseUrl, cutChars, DEFAULT_TIMEOUT_MS, escapeHtml, jsonObject, postJson, renderWithin, rendererOf } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  /** `123456:ABC-…` from BotFather; it goes in the URL path. */
  botToken: z.string().regex(/^\d+:[\w-]+$/, { message: 'must be a bot token such as 123456:ABC-DEF' }),
  /** Chat ID (negative for groups) or `@channelusername`. */
  chatId: z.union([z.string().min(1), z.number().int()]).transform((id) => String(id)),
  /** Topic of a forum supergroup. */
  messageThreadId: z.number().int().positive().optional(),
  disableNotification: z.boolean().default(false),
  apiBaseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://api.telegram.org'),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type TelegramSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['botToken'];

/** Telegram's limit on message text, counted after entity parsing (tags do not count, `&amp;` counts as one). */
const TEXT_MAX = 4096;
const TITLE_MAX = 256;

/**
 * Telegram bot `sendMessage` with `parse_mode: HTML`: the title in bold, the
 * text escaped (`&`, `<`, `>` are the only characters Telegram's HTML needs escaped).
 */
export const telegramChannel: Channel<TelegramSettings> = {
  type: 'telegram',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      botToken: '<secret>',
      chatId: settings.chatId,
      ...(settings.messageThreadId === undefined ? {} : { messageThreadId: settings.messageThreadId }),
      disableNotification: settings.disableNotification,
      apiBaseUrl: settings.apiBaseUrl,
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const title = cutChars(rendererOf(context).render('title', notification), TITLE_MAX);
      // Cut the plain text, then escape: cutting escaped text could split an entity.
      const text = renderWithin(context, 'text', notification, TEXT_MAX - title.length - 2);
      const response = await postJson(context, {
        url: `${baseUrl(settings.apiBaseUrl)}/bot${settings.botToken}/sendMessage`,
        body: {
          chat_id: settings.chatId,
          text: `<b>${escapeHtml(title)}</b>\n\n${escapeHtml(text)}`,
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          disable_notification: settings.disableNotification,
          ...(settings.messageThreadId === undefined ? {} : { message_thread_id: settings.messageThreadId }),
        },
        timeoutMs: settings.timeoutMs,
        secrets,
      });
      return outcomeOfBotApi(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/** The Bot API answers `{ok, error_code, description, parameters:{retry_after}}`, with the HTTP status equal to error_code. */
function outcomeOfBotApi(response: OutboundResponse, secrets: ReadonlyArray<unknown>): SendOutcome {
  const answer = jsonObject(response.body);
  if (answer === undefined) return outcomeOfResponse(response, secrets);
  if (answer.ok === true && response.status === 200) return { statusCode: 200 };
  const code = typeof answer.error_code === 'number' ? answer.error_code : response.status;
  const description = typeof answer.description === 'string' ? scrubbedSnippet(answer.description, secrets) : 'unknown error';
  const parameters = answer.parameters as { retry_after?: unknown } | undefined;
  const retryAfter = typeof parameters?.retry_after === 'number' ? parameters.retry_after * 1000 : undefined;
  const retryable = code === 429 || code >= 500;
  throw new ChannelError(`Telegram refused the message (${code}): ${description}`, retryable, {
    statusCode: response.status,
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
  });
}
