import type { Matcher } from './matcher.js';

const BARE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Double-quotes a value escaping only backslash, double quote and newline,
 * the three escapes both Alertmanager grammars read the same way, so the text
 * parses back to the same value whichever grammar reads it.
 */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`))}"`;
}

/** One matcher in amtool's syntax, e.g. `severity=~"critical|warning"`. */
export function formatMatcher(matcher: Pick<Matcher, 'name' | 'type' | 'value'>): string {
  const name = BARE_NAME.test(matcher.name) ? matcher.name : quoteValue(matcher.name);
  return `${name}${matcher.type}${quoteValue(matcher.value)}`;
}

/** A matcher list in braces, e.g. `{alertname="Watchdog", severity!="none"}`. */
export function formatMatchers(matchers: readonly Pick<Matcher, 'name' | 'type' | 'value'>[]): string {
  return `{${matchers.map(formatMatcher).join(', ')}}`;
}
