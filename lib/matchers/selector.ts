import type { LabelSet } from '../alert/alert.js';
import { fromApiMatcher } from './api-matcher.js';
import type { ApiMatcher } from './api-matcher.js';
import { formatMatcher } from './format.js';
import { InvalidMatcherError, labelValue } from './matcher.js';
import type { Matcher } from './matcher.js';
import { MatcherParseError, parseMatchers } from './parse.js';

/** Kubernetes label selector operators. */
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One `matchExpressions` entry, as in Kubernetes' `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** A Kubernetes-style label selector over alert labels. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * What a receiver filter or a router stores: a Kubernetes label selector,
 * Alertmanager matchers, or both, all ANDed. Each `matchers` entry is either
 * a matcher string (itself possibly a braced list) or an API v2 matcher.
 * An empty spec selects every alert, as an empty Kubernetes selector does.
 */
export interface SelectorSpec extends LabelSelector {
  matchers?: Array<string | ApiMatcher>;
}

/** A selector spec that cannot be compiled; `path` names the offending field. */
export class SelectorValidationError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.name = 'SelectorValidationError';
    this.path = path;
  }
}

const OPERATORS: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One compiled condition with a description for explanations. */
interface Requirement {
  matches(labels: LabelSet): boolean;
  readonly description: string;
}

/**
 * A compiled selector: every requirement from `matchLabels`,
 * `matchExpressions` and `matchers` must hold.
 */
export class Selector {
  readonly spec: SelectorSpec;
  readonly #requirements: readonly Requirement[];

  constructor(spec: SelectorSpec, requirements: readonly Requirement[]) {
    this.spec = spec;
    this.#requirements = requirements;
  }

  matches(labels: LabelSet): boolean {
    for (const requirement of this.#requirements) {
      if (!requirement.matches(labels)) return false;
    }
    return true;
  }

  /** The first requirement the labels fail, for the explain endpoint; undefined when they match. */
  firstUnmet(labels: LabelSet): string | undefined {
    return this.#requirements.find((requirement) => !requirement.matches(labels))?.description;
  }

  /** True when the selector accepts every alert. */
  get isEmpty(): boolean {
    return this.#requirements.length === 0;
  }

  toString(): string {
    return this.#requirements.length === 0
      ? '(everything)'
      : this.#requirements.map((requirement) => requirement.description).join(' AND ');
  }
}

/**
 * A label is present when it has a non-empty value: in the Prometheus data
 * model an empty label and a missing one are the same thing, and matchers
 * already treat them alike.
 */
function isPresent(labels: LabelSet, key: string): boolean {
  return labelValue(labels, key) !== '';
}

function compileRequirement(requirement: LabelSelectorRequirement, path: string): Requirement {
  const { key, operator } = requirement;
  const values = requirement.values ?? [];
  if (typeof key !== 'string' || key.length === 0) {
    throw new SelectorValidationError(`${path}.key`, 'must be a non-empty label name');
  }
  if (!OPERATORS.includes(operator)) {
    throw new SelectorValidationError(
      `${path}.operator`,
      `must be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(operator)}`,
    );
  }
  if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) {
    throw new SelectorValidationError(`${path}.values`, 'must be a list of strings');
  }
  const set = new Set(values);
  const list = values.join(', ');
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        throw new SelectorValidationError(`${path}.values`, `must not be empty for ${operator}`);
      }
      // An absent key reads as '', so it fails In and satisfies NotIn, as in
      // Kubernetes, unless '' itself is listed.
      return operator === 'In'
        ? { matches: (labels) => set.has(labelValue(labels, key)), description: `${key} in (${list})` }
        : {
            matches: (labels) => !set.has(labelValue(labels, key)),
            description: `${key} notin (${list})`,
          };
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        throw new SelectorValidationError(`${path}.values`, `must be empty for ${operator}`);
      }
      return operator === 'Exists'
        ? { matches: (labels) => isPresent(labels, key), description: key }
        : { matches: (labels) => !isPresent(labels, key), description: `!${key}` };
  }
}

function matcherRequirement(matcher: Matcher): Requirement {
  return { matches: (labels) => matcher.matches(labels), description: formatMatcher(matcher) };
}

function compileMatchers(entry: string | ApiMatcher, path: string): Matcher[] {
  try {
    return typeof entry === 'string' ? parseMatchers(entry) : [fromApiMatcher(entry)];
  } catch (error) {
    if (error instanceof MatcherParseError || error instanceof InvalidMatcherError) {
      throw new SelectorValidationError(path, error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * Validates and compiles a selector once, so matching an alert runs no
 * parsing and no regex compilation. Throws SelectorValidationError.
 */
export function compileSelector(spec: SelectorSpec): Selector {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) {
    if (key.length === 0) {
      throw new SelectorValidationError('matchLabels', 'label names must not be empty');
    }
    if (typeof value !== 'string') {
      throw new SelectorValidationError(`matchLabels.${key}`, 'must be a string');
    }
    requirements.push(compileRequirement({ key, operator: 'In', values: [value] }, `matchLabels.${key}`));
  }
  (spec.matchExpressions ?? []).forEach((requirement, index) => {
    requirements.push(compileRequirement(requirement, `matchExpressions[${index}]`));
  });
  (spec.matchers ?? []).forEach((entry, index) => {
    for (const matcher of compileMatchers(entry, `matchers[${index}]`)) {
      requirements.push(matcherRequirement(matcher));
    }
  });
  return new Selector(spec, requirements);
}

/** A selector from Alertmanager matchers only. */
export function selectorFromMatchers(matchers: readonly Matcher[]): Selector {
  return new Selector(
    { matchers: matchers.map(formatMatcher) },
    matchers.map(matcherRequirement),
  );
}
