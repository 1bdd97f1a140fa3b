import { createHmac } from 'node:crypto';
import type { OutboundResponse } from '../../net/outbound-http.js';
import type { NotificationMessage } from '../../pipeline/messages.js';
import { createRenderer } from '../../templates/renderer.js';
import type { ChannelContext, NotificationRenderer, TemplateKind } from '../channel.js';
import { toScrubbedChannelError } from './provider-error.js';

/*
 * What the chat channels share: rendering that fits a provider's size limit
 * without losing count of alerts, truncation in the provider's unit, one JSON
 * POST with scrubbed errors, and the small signing and escaping helpers.
 */

const defaultRenderers = new Map<string, NotificationRenderer>();

/** The receiver's renderer, or the built-in English templates when delivery supplied none. */
export function rendererOf(context: ChannelContext): NotificationRenderer {
  if (context.renderer !== undefined) return context.renderer;
  let renderer = defaultRenderers.get(context.externalURL);
  if (renderer === undefined) {
    renderer = createRenderer({ language: 'en', externalURL: context.externalURL });
    defaultRenderers.set(context.externalURL, renderer);
  }
  return renderer;
}

/** Says where a message was cut, and how many alerts the whole notification held, so a cut never hides alerts. */
export function cutMarker(notification: NotificationMessage): string {
  return `\n…[truncated; ${notification.alerts.length + notification.truncatedAlerts} alerts in total]`;
}

/** Cuts text to `max` UTF-16 code units (what JSON-speaking providers count), never splitting a surrogate pair. */
export function cutChars(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - marker.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker;
}

/** Cuts text to `maxBytes` of UTF-8, never splitting a character, for providers that count bytes. */
export function cutBytes(text: string, maxBytes: number, marker = '…'): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - Buffer.byteLength(marker, 'utf8'));
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end) + marker;
}

/** UTF-8 size of a string. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Renders `kind` so that `measure(output) <= limit`. When the whole group is
 * too big, it renders fewer alerts and counts the rest in `truncatedAlerts`,
 * so the template's "and N more" line says what was left out; only when a
 * single alert is still too big is the text itself cut, with a marker giving
 * the alert count.
 */
export function renderWithin(
  context: ChannelContext,
  kind: TemplateKind,
  notification: NotificationMessage,
  limit: number,
  measure: (text: string) => number = (text) => text.length,
): string {
  const renderer = rendererOf(context);
  let text = renderer.render(kind, notification);
  let size = measure(text);
  let keep = notification.alerts.length;
  let shrunk = notification;
  while (size > limit && keep > 1) {
    keep = Math.min(keep - 1, Math.max(1, Math.floor((keep * limit) / size)));
    shrunk = {
      ...notification,
      alerts: notification.alerts.slice(0, keep),
      truncatedAlerts: notification.truncatedAlerts + notification.alerts.length - keep,
    };
    text = renderer.render(kind, shrunk);
    size = measure(text);
  }
  if (size <= limit) return text;
  const marker = cutMarker(notification);
  // Measure-aware cut: shorten until the measure (bytes, escaped length, JSON size) fits.
  let chars = text.length;
  let cut = text;
  while (measure(cut) > limit && chars > 0) {
    chars = Math.floor(chars * Math.min(0.95, limit / measure(cut)));
    cut = cutChars(text, chars, marker);
  }
  return cut;
}

/** A POST of a JSON body whose failures map to the shared retry table with the given secrets scrubbed. */
export async function postJson(
  context: ChannelContext,
  request: { url: string; body: unknown; headers?: Record<string, string>; timeoutMs: number; secrets: ReadonlyArray<unknown> },
): Promise<OutboundResponse> {
  try {
    return await context.http({
      method: 'POST',
      url: request.url,
      headers: { 'content-type': 'application/json; charset=utf-8', ...request.headers },
      body: JSON.stringify(request.body),
      timeoutMs: request.timeoutMs,
    });
  } catch (error) {
    throw toScrubbedChannelError(error, request.secrets);
  }
}

/** A JSON object body, or undefined for anything else (an HTML error page, an empty body). */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Base64 of HMAC-SHA256. */
export function hmacSha256Base64(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

/**
 * Robots guarded by keywords (DingTalk, Feishu) drop messages that contain
 * none of them; appending the missing ones guarantees delivery whatever the
 * template says.
 */
export function withKeywords(text: string, keywords: readonly string[]): string {
  const missing = keywords.filter((keyword) => !text.includes(keyword));
  return missing.length === 0 ? text : `${text}\n\n${missing.join(' ')}`;
}

/** Escapes text for HTML-ish markups (Telegram HTML, Google Chat card text). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char);
}

/** Removes the trailing slash of a base URL so paths can be appended. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Timeout setting shared by the chat channels, as the webhook channel has it. */
export const DEFAULT_TIMEOUT_MS = 10_000;
