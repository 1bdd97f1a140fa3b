import { z } from 'zod';
import { ForbiddenDestinationError, OutboundNetworkError } from '../../net/outbound-http.js';
import { ChannelError, outcomeOfStatus, type Channel } from '../channel.js';
import { toAlertmanagerPayload } from '../notification.js';

const settingsSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Extra headers, e.g. an API key the receiving service expects. */
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
});
export type WebhookSettings = z.infer<typeof settingsSchema>;

/**
 * Generic webhook: POSTs Alertmanager's webhook JSON (version 4), so anything
 * that already receives Alertmanager notifications receives ours unchanged.
 */
export const webhookChannel: Channel<WebhookSettings> = {
  type: 'webhook',
  settingsSchema,
  redact(settings) {
    return {
      url: redactUrl(settings.url),
      headers: Object.fromEntries(Object.keys(settings.headers).map((name) => [name, '<secret>'])),
      timeoutMs: settings.timeoutMs,
    };
  },
  async send(settings, notification, context) {
    const payload = toAlertmanagerPayload(notification, context.externalURL);
    try {
      const response = await context.http({
        method: 'POST',
        url: settings.url,
        headers: { ...settings.headers, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        timeoutMs: settings.timeoutMs,
      });
      const retryAfter = response.headers['retry-after'];
      return outcomeOfStatus(response.status, response.body, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    } catch (error) {
      throw toChannelError(error);
    }
  },
};

/** Maps transport failures to the shared retry table; never echoes the URL, which may hold a key. */
export function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof ForbiddenDestinationError) return new ChannelError(error.message, false, { cause: error });
  if (error instanceof OutboundNetworkError) return new ChannelError(`network error: ${error.message}`, true, { cause: error });
  return new ChannelError('unexpected send failure', true, { cause: error });
}

/**
 * Webhook URLs often embed credentials (Slack, DingTalk and Teams put the key in
 * the path or query), so only the scheme and host are ever shown.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/<redacted>`;
  } catch {
    return '<redacted>';
  }
}
