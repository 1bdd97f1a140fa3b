import * as z from 'zod';
import type { Channel } from '../channel.js';
import type { NotificationMessage } from '../../pipeline/messages.js';
import { byteLength, cutChars, DEFAULT_TIMEOUT_MS, postJson, renderWithin, rendererOf } from './chat-message.js';
import { channelSecrets, outcomeOfResponse, redactUrl, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  /** The Workflows (Power Automate) "post to a channel when a webhook request is received" URL; it carries its own signature. */
  webhookUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  timeoutMs: z.number().int().min(100).max(30_000).default(DEFAULT_TIMEOUT_MS),
});
export type TeamsSettings = z.infer<typeof settingsSchema>;

const secretSettings = ['webhookUrl'];

/** Teams refuses messages over about 28 KB (HTTP 413). */
const BODY_MAX_BYTES = 26_000;

function message(title: string, text: string, notification: NotificationMessage, externalURL: string) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: title,
              size: 'Large',
              weight: 'Bolder',
              color: notification.status === 'firing' ? 'Attention' : 'Good',
              wrap: true,
            },
            { type: 'TextBlock', text, wrap: true },
          ],
          ...(externalURL === '' ? {} : { actions: [{ type: 'Action.OpenUrl', title: 'tidings', url: externalURL }] }),
        },
      },
    ],
  };
}

/**
 * Microsoft Teams through a Workflows webhook (the O365 connectors are
 * retired): a message carrying an Adaptive Card 1.4 with the title coloured by
 * status and the markdown body.
 */
export const teamsChannel: Channel<TeamsSettings> = {
  type: 'teams',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { webhookUrl: redactUrl(settings.webhookUrl), timeoutMs: settings.timeoutMs };
  },
  async send(settings, notification, context) {
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const title = cutChars(rendererOf(context).render('title', notification), 500);
      const build = (text: string) => message(title, text, notification, context.externalURL);
      const text = renderWithin(context, 'markdown', notification, BODY_MAX_BYTES, (rendered) => byteLength(JSON.stringify(build(rendered))));
      const response = await postJson(context, { url: settings.webhookUrl, body: build(text), timeoutMs: settings.timeoutMs, secrets });
      return outcomeOfResponse(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};
