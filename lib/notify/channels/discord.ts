import * as z from 'zod';
import { ChannelError, type Channel, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import { cutChars, DEFAULT_TIMEOUT_MS, jsonObject, postJson, renderWithin, rendererOf } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, redactUrl, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  /** `https://discord.com/api/webhooks/{id}/{token}`: the URL is the secret. */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Send an embed (coloured by status) rather than plain `content`. */
  useEmbeds: z.boolean().default(true),
  username: z.string().min(1).max(80).optional(),
  avatarUrl: z.url({ protocol: /^https$/ }).optional(),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type DiscordSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['webhookUrl'];

const CONTENT_MAX = 2000;
const EMBED_TITLE_MAX = 256;
const EMBED_DESCRIPTION_MAX = 4096;
/** All text in a message's embeds together. */
const EMBEDS_TOTAL_MAX = 6000;
const RED = 0xd32f2f;
const GREEN = 0x2e7d32;

/**
 * Discord webhook: an embed with the title and the markdown body (or plain
 * `content` up to 2000 characters). `wait=true` makes Discord report failures
 * synchronously; `allowed_mentions` is empty so alert text can never ping
 * `@everyone` or a role.
 */
export const discordChannel: Channel<DiscordSettings> = {
  type: 'discord',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      webhookUrl: redactUrl(settings.webhookUrl),
      useEmbeds: settings.useEmbeds,
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.avatarUrl === undefined ? {} : { avatarUrl: settings.avatarUrl }),
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const title = rendererOf(context).render('title', notification);
      let body: Record<string, unknown>;
      if (settings.useEmbeds) {
        const embedTitle = cutChars(title, EMBED_TITLE_MAX);
        const limit = Math.min(EMBED_DESCRIPTION_MAX, EMBEDS_TOTAL_MAX - embedTitle.length);
        const description = renderWithin(context, 'markdown', notification, limit);
        body = {
          embeds: [
            {
              title: embedTitle,
              description,
              color: notification.status === 'firing' ? RED : GREEN,
              ...(context.externalURL === '' ? {} : { url: context.externalURL }),
              timestamp: context.now().toISOString(),
            },
          ],
        };
      } else {
        body = { content: renderWithin(context, 'markdown', notification, CONTENT_MAX) };
      }
      const url = new URL(settings.webhookUrl);
      url.searchParams.set('wait', 'true');
      const response = await postJson(context, {
        url: url.toString(),
        body: {
          ...body,
          allowed_mentions: { parse: [] },
          ...(settings.username === undefined ? {} : { username: settings.username }),
          ...(settings.avatarUrl === undefined ? {} : { avatar_url: settings.avatarUrl }),
        },
        timeoutMs: settings.timeoutMs,
        secrets,
      });
      return outcomeOfDiscord(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

/** A 429 carries `retry_after` in seconds (fractional) in its JSON body, more precise than Retry-After. */
function outcomeOfDiscord(response: OutboundResponse, secrets: ReadonlyArray<unknown>): SendOutcome {
  if (response.status !== 429) return outcomeOfResponse(response, secrets);
  const retryAfter = jsonObject(response.body)?.retry_after;
  if (typeof retryAfter !== 'number') return outcomeOfResponse(response, secrets);
  throw new ChannelError('Discord rate-limited the webhook (HTTP 429)', true, { statusCode: 429, retryAfterMs: Math.ceil(retryAfter * 1000) });
}
