/**
 * Regular expressions and globs, compiled to RE2 (re2js) so that a pattern
 * written by a tenant runs in time linear in the input: no catastrophic
 * backtracking can stall the filter function.
 */
import { re2 } from '../matchers/regex-engine.js';

/** A compiled, fully anchored matcher. */
export interface PatternMatcher {
  test(input: string): boolean;
}

/** Raised for a pattern RE2 rejects; the parser turns it into a positioned syntax error. */
export class PatternError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatternError';
  }
}

// Identical patterns across thousands of rules share one compiled program.
const MAX_CACHED = 10_000;
const cache = new Map<string, PatternMatcher>();

/** Longest pattern accepted; RE2 programs grow with the pattern, not the input. */
export const MAX_PATTERN_LENGTH = 4096;

function cached(key: string, build: () => PatternMatcher): PatternMatcher {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const made = build();
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, made);
  return made;
}

function compileRe2(pattern: string): PatternMatcher {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  const { RE2JS } = re2.get();
  try {
    // DOTALL, as Prometheus does: `.*` must cross newlines in multi-line messages,
    // so that `.*word.*` is a real unanchored search.
    const re = RE2JS.compile(pattern, RE2JS.DOTALL);
    return { test: (input) => re.testExact(input) };
  } catch (error) {
    const description =
      error instanceof Error && 'getDescription' in error && typeof error.getDescription === 'function'
        ? String(error.getDescription())
        : error instanceof Error
          ? error.message
          : String(error);
    throw new PatternError(`invalid regular expression: ${description}`, { cause: error });
  }
}

/** Compiles an RE2 regular expression matched against the whole value. */
export function compileRegex(pattern: string): PatternMatcher {
  return cached(`r:${pattern}`, () => compileRe2(pattern));
}

/**
 * Translates a glob to an RE2 pattern: `*` is any run of characters, `?` one
 * character, `\` makes the next character literal, everything else is literal.
 */
export function globToRegex(glob: string): string {
  let out = '';
  let literal = '';
  const flush = (): void => {
    if (literal !== '') out += re2.get().RE2JS.quote(literal);
    literal = '';
  };
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '\\' && i + 1 < glob.length) {
      literal += glob[++i];
    } else if (ch === '*') {
      flush();
      if (!out.endsWith('.*')) out += '.*';
    } else if (ch === '?') {
      flush();
      out += '.';
    } else {
      literal += ch;
    }
  }
  flush();
  return out;
}

/** Compiles a glob matched against the whole value. */
export function compileGlob(glob: string): PatternMatcher {
  return cached(`g:${glob}`, () => compileRe2(globToRegex(glob)));
}
