import type { Matcher } from './types.js';

/** A matcher as Alertmanager writes it: `name="value"`, `name=~"regex"`, `!=`, `!~`. */
export function matcherText(matcher: Matcher): string {
  const operator = matcher.isRegex ? (matcher.isEqual === false ? '!~' : '=~') : matcher.isEqual === false ? '!=' : '=';
  return `${matcher.name}${operator}${JSON.stringify(matcher.value)}`;
}

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
