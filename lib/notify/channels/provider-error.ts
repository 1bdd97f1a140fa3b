import { ChannelError, outcomeOfStatus, type Channel, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import { ForbiddenDestinationError, OutboundNetworkError } from '../../net/outbound-http.js';
import { scrubbedMessage, scrubbedSnippet, scrubSecrets, secretSettingValues } from '../../secrets/scrubber.js';

/*
 * Some providers echo request fields (keys, tokens, whole URLs) in their
 * error bodies, and error messages end up in history, logs and the test-send
 * answer. Every channel puts provider text into errors through
 * `scrubbedSnippet` and maps failures through `toScrubbedChannelError`: both
 * use the one scrubber in lib/secrets/scrubber.ts.
 */
export { scrubbedSnippet, scrubSecrets };

/**
 * Maps any send failure to a `ChannelError` whose message carries none of the
 * given secrets (scrubbed before the message is bounded). The unscrubbed error
 * is not kept as the cause, so no logger can print it.
 */
export function toScrubbedChannelError(error: unknown, secrets: ReadonlyArray<unknown>): ChannelError {
  const mapped = toChannelError(error);
  const message = scrubbedMessage(mapped.message, secrets);
  if (message === mapped.message) return mapped;
  const { cause, ...details } = mapped.details;
  return new ChannelError(message, mapped.retryable, { ...details, ...(cause === undefined || cause instanceof ChannelError ? {} : { cause }) });
}

/** The secrets of a channel's settings, by its declaration, plus values the send derives (tokens it fetched). */
export function channelSecrets(channel: Pick<Channel<unknown>, 'secretSettings'>, settings: object, derived: ReadonlyArray<unknown> = []): unknown[] {
  return [...secretSettingValues(settings as Record<string, unknown>, channel.secretSettings), ...derived];
}

/**
 * The channel with one last scrub of everything it throws, by its declared
 * secret settings: a net under the channel's own scrubbing, so a provider
 * text that slipped through unscrubbed still never reaches history or an answer.
 */
export function withScrubbedErrors<Settings>(channel: Channel<Settings>): Channel<Settings> {
  return {
    ...channel,
    async send(settings, notification, context) {
      try {
        return await channel.send(settings, notification, context);
      } catch (error) {
        throw toScrubbedChannelError(error, channelSecrets(channel, settings as object));
      }
    },
  };
}

/** The first value of a response header. */
export function headerValue(response: OutboundResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The shared HTTP-status retry table, applied to a provider response; `secrets` are scrubbed from the quoted body. */
export function outcomeOfResponse(response: OutboundResponse, secrets: ReadonlyArray<unknown>): SendOutcome {
  return outcomeOfStatus(response.status, response.body, headerValue(response, 'retry-after'), secrets);
}

/** Parses a JSON body, or `undefined` when the provider sent something else (an HTML error page). */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

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
