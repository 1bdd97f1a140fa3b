import type { Matcher } from './types.js';

/** A matcher as Alertmanager writes it: `name="value"`, `name=~"regex"`, `!=`, `!~`. */
export function matcherText(matcher: Matcher): string {
  const operator = matcher.isRegex ? (matcher.isEqual === false ? '!~' : '=~') : matcher.isEqual === false ? '!=' : '=';
  return `${matcher.name}${operator}${JSON.stringify(matcher.value)}`;
}

/** Matchers as a text box holds them, one per line. */
export const matcherLines = (matchers: ReadonlyArray<string | Matcher> | undefined): string => (matchers ?? []).map((m) => (typeof m === 'string' ? m : matcherText(m))).join('\n');

/** The non-empty lines of a text box, trimmed. */
export const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** The names of a comma-separated list, trimmed, empty ones dropped. */
export const namesOf = (text: string): string[] =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

/** A number the text says, or the text as typed, so the API's message says what is wrong next to the field. */
export const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
