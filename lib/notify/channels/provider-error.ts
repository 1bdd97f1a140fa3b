import { ChannelError, outcomeOfStatus, type SendOutcome } from '../channel.js';
import type { OutboundResponse } from '../../net/outbound-http.js';
import { ForbiddenDestinationError, OutboundNetworkError } from '../../net/outbound-http.js';

/**
 * Replaces every secret in a provider's text with `<redacted>`: some providers
 * echo request fields (keys, tokens) in their error bodies, and error messages
 * end up in history and logs.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) scrubbed = scrubbed.split(secret).join('<redacted>');
  }
  return scrubbed;
}

/** Maps any send failure to a `ChannelError` whose message carries none of the given secrets. */
export function toScrubbedChannelError(error: unknown, secrets: ReadonlyArray<string | undefined>): ChannelError {
  const mapped = toChannelError(error);
  const message = scrubSecrets(mapped.message, secrets);
  if (message === mapped.message) return mapped;
  return new ChannelError(message, mapped.retryable, { ...mapped.details, cause: mapped.details.cause ?? error });
}

/** The first value of a response header. */
export function headerValue(response: OutboundResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The shared HTTP-status retry table, applied to a provider response. */
export function outcomeOfResponse(response: OutboundResponse): SendOutcome {
  return outcomeOfStatus(response.status, response.body, headerValue(response, 'retry-after'));
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
