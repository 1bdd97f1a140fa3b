/**
 * Tokenizer of the condition language. Field paths are lexed whole (with
 * their `.key`, `[n]`, `[*]`, `["quoted/key"]` steps) so the parser sees one
 * token per field; a single bare word that is a keyword becomes a keyword.
 */
import type { PathSegment } from './ast.js';
import { RuleSyntaxError, type SourcePosition } from './errors.js';

export const KEYWORDS = [
  'and',
  'or',
  'not',
  'in',
  'contains',
  'startswith',
  'endswith',
  'like',
  'regex',
  'exists',
  'true',
  'false',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

export type OperatorSymbol = '=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '=~' | '!~' | '!';

export type Token = { start: number; end: number; text: string } & (
  | { kind: 'path'; segments: PathSegment[] }
  | { kind: 'keyword'; word: Keyword }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'ref'; name: string }
  | { kind: 'punct'; value: '(' | ')' | ',' }
  | { kind: 'op'; value: OperatorSymbol }
  | { kind: 'eof' }
);

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_-]/;
const REF_NAME = /[A-Za-z0-9_.:-]/;
const DIGIT = /[0-9]/;
const TWO_CHAR_OPS = new Set(['==', '!=', '<>', '<=', '>=', '=~', '!~']);
const ONE_CHAR_OPS = new Set(['=', '<', '>', '!']);
const KEYWORD_SET = new Set<string>(KEYWORDS);

/** Turns offsets into 1-based line/column positions. */
export class PositionMap {
  private readonly lineStarts: number[] = [0];

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) if (source[i] === '\n') this.lineStarts.push(i + 1);
  }

  at(offset: number): SourcePosition {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - (this.lineStarts[lo] as number) + 1 };
  }
}

/** Splits a condition into tokens; throws RuleSyntaxError on a character no token can start with. */
export function tokenize(source: string, positions: PositionMap, definition?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;

  const fail = (at: number, detail: string, expected: string[], found?: string): never => {
    throw new RuleSyntaxError(detail, {
      position: positions.at(at),
      expected,
      found: found ?? (at >= source.length ? 'end of condition' : JSON.stringify(source[at])),
      ...(definition === undefined ? {} : { definition }),
    });
  };

  const readIdent = (): string => {
    const start = i;
    i++;
    while (i < source.length && IDENT_PART.test(source[i] as string)) i++;
    return source.slice(start, i);
  };

  const skipSpaces = (): void => {
    while (i < source.length && /\s/.test(source[i] as string)) i++;
  };

  const readString = (): string => {
    const quote = source[i] as string;
    const start = i;
    i++;
    let value = '';
    while (i < source.length && source[i] !== quote) {
      const ch = source[i] as string;
      if (ch !== '\\') {
        value += ch;
        i++;
        continue;
      }
      const next = source[i + 1];
      if (next === undefined) break;
      i += 2;
      switch (next) {
        case '"':
        case "'":
        case '\\':
          value += next;
          break;
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'u': {
          const hex = source.slice(i, i + 4);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(i - 2, 'Invalid \\u escape', ['four hex digits after \\u']);
          value += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          // Unknown escapes keep their backslash: the reference engine never
          // unescaped, so regexes such as "\d+" keep meaning what they meant.
          value += `\\${next}`;
      }
    }
    if (i >= source.length) fail(start, 'Unterminated string', [`closing ${quote}`], 'end of condition');
    i++;
    return value;
  };

  const readInt = (): number | undefined => {
    const start = i;
    while (i < source.length && DIGIT.test(source[i] as string)) i++;
    return i > start ? Number(source.slice(start, i)) : undefined;
  };

  const readBracket = (segments: PathSegment[]): void => {
    const open = i;
    i++;
    skipSpaces();
    const ch = source[i];
    if (ch === '*') {
      i++;
      segments.push({ type: 'wildcard' });
    } else if (ch === '"' || ch === "'") {
      segments.push({ type: 'key', key: readString() });
    } else if (ch !== undefined && (DIGIT.test(ch) || ch === ':')) {
      const first = readInt();
      skipSpaces();
      if (source[i] === ':') {
        i++;
        skipSpaces();
        const second = readInt();
        segments.push({ type: 'slice', start: first, end: second });
      } else if (first !== undefined) {
        segments.push({ type: 'index', index: first });
      }
    } else {
      fail(i, 'Invalid field index', ['*', 'an index such as [0]', 'a quoted key such as ["app.kubernetes.io/name"]']);
    }
    skipSpaces();
    if (source[i] !== ']') fail(i, `Unclosed "[" opened at column ${positions.at(open).column}`, [']']);
    i++;
  };

  const readPath = (): PathSegment[] => {
    const segments: PathSegment[] = [];
    if (source[i] === '[') readBracket(segments);
    else segments.push({ type: 'key', key: readIdent() });
    for (;;) {
      const ch = source[i];
      const next = source[i + 1];
      if (ch === '.' && next !== undefined && IDENT_START.test(next)) {
        i++;
        segments.push({ type: 'key', key: readIdent() });
      } else if (ch === '.' && next === '[') {
        i++;
        readBracket(segments);
      } else if (ch === '[') {
        readBracket(segments);
      } else if (ch === '.') {
        fail(i + 1, 'Expected a field name after "."', ['a field name', 'a quoted key in brackets']);
      } else {
        return segments;
      }
    }
  };

  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const push = (token: Record<string, unknown>): void => {
      tokens.push({ ...token, start, end: i, text: source.slice(start, i) } as Token);
    };
    const two = source.slice(i, i + 2);
    if (IDENT_START.test(ch) || ch === '[') {
      const segments = readPath();
      const only = segments.length === 1 ? segments[0] : undefined;
      const lower = only?.type === 'key' && source[start] !== '[' ? only.key.toLowerCase() : undefined;
      if (lower !== undefined && KEYWORD_SET.has(lower)) push({ kind: 'keyword', word: lower });
      else push({ kind: 'path', segments });
    } else if (ch === '"' || ch === "'") {
      const value = readString();
      push({ kind: 'string', value });
    } else if (DIGIT.test(ch) || (ch === '-' && DIGIT.test(source[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i)) as RegExpExecArray;
      i += match[0].length;
      push({ kind: 'number', value: Number(match[0]) });
    } else if (two === '${') {
      i += 2;
      const nameStart = i;
      while (i < source.length && REF_NAME.test(source[i] as string)) i++;
      const name = source.slice(nameStart, i);
      if (name === '') fail(i, 'Expected a name in ${...}', ['a list, macro or alias name']);
      if (source[i] !== '}') fail(i, 'Expected "}" to close ${', ['}']);
      i++;
      push({ kind: 'ref', name });
    } else if (TWO_CHAR_OPS.has(two)) {
      i += 2;
      push({ kind: 'op', value: two });
    } else if (ONE_CHAR_OPS.has(ch)) {
      i++;
      push({ kind: 'op', value: ch });
    } else if (ch === '(' || ch === ')' || ch === ',') {
      i++;
      push({ kind: 'punct', value: ch });
    } else {
      fail(i, `Unexpected character ${JSON.stringify(ch)}`, ['a field', 'a literal', 'an operator', '(', ')']);
    }
  }
  tokens.push({ kind: 'eof', start: source.length, end: source.length, text: '' });
  return tokens;
}
