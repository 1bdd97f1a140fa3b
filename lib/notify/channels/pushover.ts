import * as z from 'zod';
import { ChannelError, type Channel } from '../channel.js';
import { oneLine, renderText, truncateChars } from './message-text.js';
import { channelSecrets, outcomeOfResponse, parseJsonBody, scrubbedSnippet, toScrubbedChannelError } from './provider-error.js';

/** Pushover's documented limits, in characters. */
const LIMITS = { title: 250, message: 1024, url: 512, urlTitle: 100 } as const;

const pushoverKey = z.string().regex(/^[A-Za-z0-9]{30}$/, 'must be a 30-character Pushover key');

const settingsSchema = z
  .object({
    /** The application's API token. */
    token: pushoverKey,
    /** The user or group key to notify. */
    user: pushoverKey,
    device: z.string().max(100).optional(),
    /** -2 (silent) .. 2 (emergency: repeats until acknowledged). */
    priority: z.number().int().min(-2).max(2).default(0),
    /** Emergency priority only: seconds between repeats (at least 30). */
    retrySeconds: z.number().int().min(30).default(60),
    /** Emergency priority only: seconds before repeats stop (at most 3 hours). */
    expireSeconds: z.number().int().min(30).max(10_800).default(3_600),
    sound: z.string().max(100).optional(),
    /** Link in the notification; defaults to tidings' external URL. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    urlTitle: z.string().max(LIMITS.urlTitle).optional(),
    apiUrl: z.url({ protocol: /^https?$/ }).default('https://api.pushover.net/1/messages.json'),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .refine((settings) => settings.priority !== 2 || settings.expireSeconds >= settings.retrySeconds, {
    message: 'expireSeconds must not be shorter than retrySeconds',
    path: ['expireSeconds'],
  });
export type PushoverSettings = z.infer<typeof settingsSchema>;

/** The user key addresses a person or group and is as private as the app token. */
const secretSettings = ['token', 'user'];

/**
 * Pushover: a form-encoded POST to `/1/messages.json`, success when the body
 * says `status: 1`. Emergency priority (2) is only accepted with `retry` and
 * `expire`, so they are always sent with it.
 */
export const pushoverChannel: Channel<PushoverSettings> = {
  type: 'pushover',
  settingsSchema,
  secretSettings,
  redact(settings) {
    return { ...settings, token: '<secret>', user: '<secret>' };
  },
  async send(settings, notification, context) {
    const form = new URLSearchParams({
      token: settings.token,
      user: settings.user,
      title: truncateChars(oneLine(renderText('title', notification, context)), LIMITS.title),
      message: truncateChars(renderText('text', notification, context), LIMITS.message) || 'alert',
      priority: String(settings.priority),
      url: truncateChars(settings.url ?? context.externalURL, LIMITS.url, ''),
      timestamp: String(Math.floor(Date.parse(notification.alerts[0]?.startsAt ?? '') / 1000) || Math.floor(context.now().getTime() / 1000)),
    });
    if (settings.priority === 2) {
      form.set('retry', String(settings.retrySeconds));
      form.set('expire', String(settings.expireSeconds));
    }
    if (settings.device !== undefined) form.set('device', settings.device);
    if (settings.sound !== undefined) form.set('sound', settings.sound);
    if (settings.urlTitle !== undefined) form.set('url_title', settings.urlTitle);

    const secrets = channelSecrets({ secretSettings }, settings);
    try {
      const response = await context.http({
        method: 'POST',
        url: settings.apiUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: settings.timeoutMs,
      });
      const body = parseJsonBody(response.body) as { status?: unknown; errors?: unknown } | undefined;
      if (response.status >= 200 && response.status < 300 && body?.status !== 1) {
        throw new ChannelError(`Pushover did not accept the message: ${describeErrors(body?.errors, secrets)}`, false, {
          statusCode: response.status,
        });
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429 && Array.isArray(body?.errors)) {
        throw new ChannelError(`Pushover rejected the message: ${describeErrors(body.errors, secrets)}`, false, {
          statusCode: response.status,
        });
      }
      return outcomeOfResponse(response, secrets);
    } catch (error) {
      throw toScrubbedChannelError(error, secrets);
    }
  },
};

function describeErrors(errors: unknown, secrets: ReadonlyArray<unknown>): string {
  if (!Array.isArray(errors) || errors.length === 0) return 'no reason given';
  return scrubbedSnippet(errors.map(String).join('; '), secrets, 300);
}
