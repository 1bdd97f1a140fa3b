/*
 * The one scrubber for text that may quote secrets (provider answers, SMTP
 * replies, error messages). Providers echo what they received, in whatever
 * encoding they received it, and may cut it anywhere; so every encoded form of
 * a secret is removed, and so is any run of its first characters, before the
 * text is collapsed or cut.
 */

/** What a removed secret is replaced with. */
export const REDACTED = '<redacted>';

/** Shorter values (a port, a flag) would blank ordinary words; they are not scrubbed. */
const MIN_SECRET_LENGTH = 4;

/**
 * A run of this many leading characters of a secret is removed wherever it
 * appears, with as much of the rest as follows, so a secret cut short (by a
 * provider, or by an earlier truncation) leaves no usable prefix.
 */
const PREFIX_LENGTH = 8;

/** The provider text kept in an error message. */
export const PROVIDER_TEXT_MAX = 200;

/** How long a scrubbed error message may get (provider texts are cut shorter; this bounds the rest). */
export const ERROR_MESSAGE_MAX = 1000;

const jsonEscape = (text: string): string => JSON.stringify(text).slice(1, -1);
/** RFC 3986 strict (Aliyun's signing, `%2A` for `*`). */
const percentStrict = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** `application/x-www-form-urlencoded`, as URLSearchParams writes it (space as `+`). */
const formEncode = (text: string): string => new URLSearchParams({ v: text }).toString().slice(2);
const htmlEscape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const collapseWhitespace = (text: string): string => text.replace(/\s+/g, ' ');

const TRANSFORMS: ReadonlyArray<(text: string) => string> = [jsonEscape, encodeURIComponent, encodeURI, percentStrict, formEncode, htmlEscape, collapseWhitespace];

/**
 * The forms a secret can take in echoed text: itself; JSON-escaped (up to
 * three levels: a JSON body quoted in a JSON error quoted in a log line),
 * URL- and form-encoded, HTML-escaped, whitespace-collapsed, and combinations
 * of two of those; and its base64.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  let frontier = [secret];
  for (let round = 0; round < 2; round += 1) {
    const next: string[] = [];
    for (const form of frontier) {
      for (const transform of TRANSFORMS) {
        const variant = transform(form);
        if (!forms.has(variant)) {
          forms.add(variant);
          next.push(variant);
        }
      }
    }
    frontier = next;
  }
  for (const form of [...forms]) forms.add(jsonEscape(jsonEscape(jsonEscape(form))));
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** A whole URL's leading characters (`https://`) are no secret; its key-bearing parts are listed separately. */
function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

/**
 * The parts of a credential value that are secret on their own, so a provider
 * echoing one part is caught too: a URL's key-bearing path segments, query
 * values and password; an auth header's token (and a Basic header's decoded
 * `user:password` and password); every string inside an object (headers, a
 * login), with `user:password` and SASL PLAIN's `\0user\0password` for logins.
 */
export function secretParts(value: unknown): string[] {
  if (typeof value === 'string') return stringParts(value);
  if (Array.isArray(value)) return value.flatMap(secretParts);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const parts = Object.values(record).flatMap(secretParts);
    const user = record.user ?? record.username;
    const password = record.password ?? record.pass;
    if (typeof user === 'string' && typeof password === 'string') parts.push(`${user}:${password}`, `\0${user}\0${password}`);
    return parts;
  }
  return [];
}

function stringParts(value: string): string[] {
  const parts = [value];
  if (looksLikeUrl(value)) {
    try {
      const url = new URL(value);
      parts.push(...url.pathname.split('/').filter((segment) => segment.length >= 16));
      for (const segment of url.pathname.split('/')) {
        try {
          const decoded = decodeURIComponent(segment);
          if (decoded.length >= 16 && decoded !== segment) parts.push(decoded);
        } catch {
          // A malformed escape is scrubbed in its raw form above.
        }
      }
      parts.push(...[...url.searchParams.values()].filter((query) => query.length >= 8));
      if (url.password !== '') parts.push(url.password, decodeURIComponent(url.password));
    } catch {
      // Not a URL after all: the whole value is scrubbed.
    }
    return parts;
  }
  // `Bearer <token>`, `Basic <base64>`, `token=<value>`: the token alone is the secret.
  const [scheme, ...rest] = value.trim().split(/\s+/);
  const token = rest.join(' ');
  if (token.length >= PREFIX_LENGTH) parts.push(token);
  if (scheme?.toLowerCase() === 'basic' && token !== '') {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) parts.push(decoded, decoded.slice(colon + 1));
  }
  return parts;
}

/** Case-insensitive comparison of one character, as the `i` regex flag compares. */
function sameChar(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every form of every secret (see `secretForms`) with `<redacted>`,
 * including runs of a secret's first characters (a secret cut short). Hex
 * escapes differ in case between encoders, so matching ignores case.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<unknown>): string {
  const values = [...new Set(secrets.flatMap(secretParts))].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (values.length === 0 || text === '') return text;
  const ranges: Array<[number, number]> = [];
  const seen = new Set<string>();
  for (const secret of values) {
    const prefixMatches = !looksLikeUrl(secret);
    for (const form of secretForms(secret)) {
      if (seen.has(form)) continue;
      seen.add(form);
      const partial = prefixMatches && form.length > PREFIX_LENGTH;
      const head = partial ? form.slice(0, PREFIX_LENGTH) : form;
      const pattern = new RegExp(escapeRegExp(head), 'gi');
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        let end = match.index + head.length;
        if (partial) {
          let offset = head.length;
          while (end < text.length && offset < form.length && sameChar(text[end]!, form[offset]!)) {
            end += 1;
            offset += 1;
          }
        }
        ranges.push([match.index, end]);
      }
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let result = '';
  let position = 0;
  for (const [start, end] of ranges) {
    if (end <= position) continue;
    if (start >= position) result += text.slice(position, start) + REDACTED;
    position = Math.max(position, end);
  }
  return result + text.slice(position);
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Provider text made fit for an error message: secrets scrubbed first, then
 * whitespace collapsed (and scrubbed again, for a secret with runs of
 * whitespace echoed collapsed), then cut. In that order a cut can never leave
 * part of a secret behind.
 */
export function scrubbedSnippet(text: string, secrets: ReadonlyArray<unknown>, max = PROVIDER_TEXT_MAX): string {
  const oneLine = scrubSecrets(scrubSecrets(text, secrets).replace(/\s+/g, ' ').trim(), secrets);
  return cut(oneLine, max);
}

/** A message scrubbed, then bounded in length (for messages that already hold cut provider text). */
export function scrubbedMessage(text: string, secrets: ReadonlyArray<unknown>, max = ERROR_MESSAGE_MAX): string {
  return cut(scrubSecrets(text, secrets), max);
}

/** The values of a channel's secret settings, and their secret parts, for scrubbing. */
export function secretSettingValues(settings: Record<string, unknown>, secretSettings: readonly string[]): string[] {
  return secretSettings.flatMap((name) => secretParts(settings[name]));
}
