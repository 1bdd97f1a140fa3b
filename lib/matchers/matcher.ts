import type { RE2JS } from 're2js';
import type { LabelSet } from '../alert/alert.js';
import { labelValue } from '../alert/labels.js';
import { re2 } from './regex-engine.js';

/** The four Alertmanager match operators, spelled as in the string syntax. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** A matcher that cannot exist: empty label name or a regular expression RE2 rejects. */
export class InvalidMatcherError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidMatcherError';
  }
}

/**
 * One compiled Alertmanager matcher. Regexes are compiled once, fully
 * anchored as Alertmanager does (`^(?:re)$`), with RE2 so a tenant's pattern
 * cannot make matching take exponential time.
 */
export class Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  readonly #regex: RE2JS | undefined;

  constructor(name: string, type: MatchType, value: string) {
    if (name.length === 0) {
      throw new InvalidMatcherError('label name must not be empty');
    }
    this.name = name;
    this.type = type;
    this.value = value;
    if (type === '=~' || type === '!~') {
      const { RE2JS, RE2JSException } = re2.get();
      try {
        this.#regex = RE2JS.compile(`^(?:${value})$`);
      } catch (error) {
        const detail = error instanceof RE2JSException ? error.message : String(error);
        throw new InvalidMatcherError(`invalid regular expression for label "${name}": ${detail}`, {
          cause: error,
        });
      }
    }
  }

  /** Whether the matcher accepts this label value; a missing label is passed as `''`. */
  matchesValue(value: string): boolean {
    switch (this.type) {
      case '=':
        return value === this.value;
      case '!=':
        return value !== this.value;
      case '=~':
        return this.#regex!.testExact(value);
      case '!~':
        return !this.#regex!.testExact(value);
    }
  }

  /** Alertmanager semantics: a missing label has the empty value. */
  matches(labels: LabelSet): boolean {
    return this.matchesValue(labelValue(labels, this.name));
  }

  get isRegex(): boolean {
    return this.type === '=~' || this.type === '!~';
  }

  get isEqual(): boolean {
    return this.type === '=' || this.type === '=~';
  }
}

export { labelValue };

/** All matchers must accept the labels (an empty list accepts everything). */
export function matchesAll(matchers: readonly Matcher[], labels: LabelSet): boolean {
  for (const matcher of matchers) {
    if (!matcher.matches(labels)) return false;
  }
  return true;
}

/**
 * True when the list accepts an alert with no labels at all. Alertmanager
 * refuses such silences because they would mute every alert.
 */
export function matchesEmptyLabelSet(matchers: readonly Matcher[]): boolean {
  return matchers.every((matcher) => matcher.matchesValue(''));
}
