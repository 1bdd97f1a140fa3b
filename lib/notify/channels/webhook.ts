import * as z from 'zod';
import { outcomeOfStatus, type Channel } from '../channel.js';
import { toAlertmanagerPayload } from '../notification.js';
import { channelSecrets, redactUrl, toScrubbedChannelError } from './provider-error.js';

const settingsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Extra headers, e.g. an API key the receiving service expects. */
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
});
export type WebhookSettings = z.infer<typeof settingsSchema>;

/** The URL may carry a key in its path or query; headers carry API keys and auth. */
const secretSettings = ['url', 'headers'];

/**
 * Generic webhook: POSTs Alertmanager's webhook JSON (version 4), so anything
 * that already receives Alertmanager notifications receives ours unchanged.
 */
export const webhookChannel: Channel<WebhookSettings> = {
  type: 'webhook',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return {
      url: redactUrl(settings.url),
      headers: Object.fromEntries(Object.keys(settings.headers).map((name) => [name, '<secret>'])),
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const payload = toAlertmanagerPayload(notification, context.externalURL);
    // Receivers may echo the request back: keep the URL's keys and header values out of the error.
    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const response = await context.http({
        method: 'POST',
        url: settings.url,
        headers: { ...settings.headers, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        timeoutMs: settings.timeoutMs,
      });
      const retryAfter = response.headers['retry-after'];
      return outcomeOfStatus(response.status, response.body, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

