import * as z from 'zod';
import type { Channel } from '../channel.js';
import { byteLength, cutChars, DEFAULT_TIMEOUT_MS, escapeHtml, postJson, renderWithin, rendererOf } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, redactUrl, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  /** `https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…`: the key and token make it a secret. */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Send a card (cardsV2) rather than plain `text`. */
  useCards: z.boolean().default(true),
  /** Groups the notifications of one key in one thread. */
  threadKey: z.string().min(1).max(200).optional(),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type GoogleChatSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['webhookUrl'];

/** Text messages are capped at 4096 characters; whole messages at 32,000 bytes. */
const TEXT_MAX = 4000;
const BODY_MAX_BYTES = 30_000;

/** Card text paragraphs take a small HTML subset: escape the text, keep the line breaks. */
function cardText(text: string): string {
  return escapeHtml(text).replace(/\n/g, '<br>');
}

/**
 * Google Chat incoming webhook: a cardsV2 card (header plus text paragraph and
 * a link button) or plain `text`, optionally threaded by key.
 */
export const googleChatChannel: Channel<GoogleChatSettings> = {
  type: 'googlechat',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      webhookUrl: redactUrl(settings.webhookUrl),
      useCards: settings.useCards,
      ...(settings.threadKey === undefined ? {} : { threadKey: settings.threadKey }),
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const title = cutChars(rendererOf(context).render('title', notification), 200);
      const thread = settings.threadKey === undefined ? {} : { thread: { threadKey: settings.threadKey } };
      const card = (text: string) => ({
        ...thread,
        cardsV2: [
          {
            cardId: 'tidings-notification',
            card: {
              header: { title, subtitle: notification.status === 'firing' ? 'firing' : 'resolved' },
              sections: [
                { widgets: [{ textParagraph: { text: cardText(text) } }] },
                ...(context.externalURL === ''
                  ? []
                  : [{ widgets: [{ buttonList: { buttons: [{ text: 'tidings', onClick: { openLink: { url: context.externalURL } } }] } }] }]),
              ],
            },
          },
        ],
      });
      const body = settings.useCards
        ? card(renderWithin(context, 'text', notification, BODY_MAX_BYTES, (text) => byteLength(JSON.stringify(card(text)))))
        : { ...thread, text: `*${title}*\n${renderWithin(context, 'text', notification, TEXT_MAX - title.length - 3)}` };
      const url = new URL(settings.webhookUrl);
      if (settings.threadKey !== undefined) url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
      const response = await postJson(context, { url: url.toString(), body, timeoutMs: settings.timeoutMs, secrets });
      return outcomeOfResponse(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};
