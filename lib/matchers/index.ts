export { InvalidMatcherError, Matcher, labelValue, matchesAll, matchesEmptyLabelSet } from './matcher.js';
export type { MatchType } from './matcher.js';
export { MatcherParseError, parseMatcher, parseMatchers } from './parse.js';
export type { MatcherSyntax, ParseOptions } from './parse.js';
export { formatMatcher, formatMatchers, quoteValue } from './format.js';
export { apiMatchType, fromApiMatcher, toApiMatcher } from './api-matcher.js';
export type { ApiMatcher } from './api-matcher.js';
export { compileSelector, Selector, SelectorValidationError, selectorFromMatchers } from './selector.js';
export type {
  LabelSelector,
  LabelSelectorOperator,
  LabelSelectorRequirement,
  SelectorSpec,
} from './selector.js';
