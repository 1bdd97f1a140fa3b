import type { z } from 'zod';
import type { AddressPolicy } from '../net/address-policy.js';
import type { OutboundHttp } from '../net/outbound-http.js';
import type { AwsChannelServices } from './aws-services.js';
import type { NotificationMessage } from '../pipeline/messages.js';
import { scrubbedSnippet } from '../secrets/scrubber.js';

/** The text forms a channel can ask a notification to be rendered in. */
export type TemplateKind = 'title' | 'text' | 'markdown' | 'html';

/**
 * Renders a notification with the receiver's templates and language. Built per
 * receiver by the delivery stage; channels only ask for the form they send.
 */
export interface NotificationRenderer {
  /** At most `maxChars` characters (the renderer's own bound when absent): output past them is not built. */
  render(kind: TemplateKind, notification: NotificationMessage, maxChars?: number): string;
}

/** What a channel needs from the outside world; injected so tests use local servers and fake clocks. */
export interface ChannelContext {
  http: OutboundHttp;
  now: () => Date;
  /** Base URL people follow from a notification back to tidings. */
  externalURL: string;
  /** Absent only for channels that send structured data (the webhook channel). */
  renderer?: NotificationRenderer;
  /**
   * The outbound address policy, for channels that open connections `http`
   * cannot make (SMTP). Pass the same policy `http` was built with; when
   * absent those channels apply the strict default (no private addresses).
   */
  addressPolicy?: AddressPolicy;
  /** SES and SNS, for the email-ses and sms-sns channels; without it they fail permanently. */
  aws?: AwsChannelServices;
}

/** What the provider said about a successful send. */
export interface SendOutcome {
  statusCode: number;
}

/**
 * A send that did not succeed. `retryable` follows Alertmanager: network
 * errors, timeouts, 5xx and 429 are worth retrying; other 4xx and bad
 * configuration are not.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: { statusCode?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'ChannelError';
  }
}

/**
 * One notification channel: the schema of its receiver settings, which of
 * them are secret, a way to describe them without secrets, and the send itself.
 */
export interface Channel<Settings> {
  readonly type: string;
  readonly settingsSchema: z.ZodType<Settings>;
  /**
   * The settings that are credentials (tokens, keys, passwords, URLs that
   * carry a key, auth headers): sealed at rest in receivers, masked in every
   * API answer, and scrubbed from every error, in all their encoded forms.
   */
  readonly secretSettings: readonly string[];
  /** The provider's limit per destination (e.g. a DingTalk robot takes 20 messages a minute); sends beyond it wait. */
  readonly rateLimitPerMinute?: number;
  /** The settings as they may be shown in API responses, history and logs. */
  redact(settings: Settings): Record<string, unknown>;
  send(settings: Settings, notification: NotificationMessage, context: ChannelContext): Promise<SendOutcome>;
}

/**
 * Maps an HTTP status to the channel outcome, per the retry table shared by
 * every channel. The body goes into the error only after `secrets` are
 * scrubbed from it, and only then is it cut, so no part of a secret remains.
 */
export function outcomeOfStatus(status: number, body: string, retryAfter: string | undefined, secrets: ReadonlyArray<unknown>): SendOutcome {
  if (status >= 200 && status < 300) return { statusCode: status };
  const retryable = status === 429 || status >= 500;
  const snippet = scrubbedSnippet(body, secrets);
  const details: { statusCode: number; retryAfterMs?: number } = { statusCode: status };
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  throw new ChannelError(`provider answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`, retryable, details);
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
