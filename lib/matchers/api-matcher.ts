import { Matcher } from './matcher.js';
import type { MatchType } from './matcher.js';

/**
 * A matcher as Alertmanager's API v2 carries it, and as tidings stores it.
 * `isEqual` is absent in payloads from clients older than Alertmanager 0.22,
 * which meant "equal".
 */
export interface ApiMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** The operator an API v2 matcher stands for. */
export function apiMatchType(matcher: ApiMatcher): MatchType {
  const isEqual = matcher.isEqual ?? true;
  if (matcher.isRegex) return isEqual ? '=~' : '!~';
  return isEqual ? '=' : '!=';
}

/** Compiles an API v2 matcher; throws InvalidMatcherError for an empty name or a bad regex. */
export function fromApiMatcher(matcher: ApiMatcher): Matcher {
  return new Matcher(matcher.name, apiMatchType(matcher), matcher.value);
}

/** The API v2 form, always with `isEqual` so stored items and responses are explicit. */
export function toApiMatcher(matcher: Pick<Matcher, 'name' | 'type' | 'value'>): Required<ApiMatcher> {
  return {
    name: matcher.name,
    value: matcher.value,
    isRegex: matcher.type === '=~' || matcher.type === '!~',
    isEqual: matcher.type === '=' || matcher.type === '=~',
  };
}
