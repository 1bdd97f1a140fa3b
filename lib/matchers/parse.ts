import { ModuleNotLoadedError } from '../pipeline/lazy-module.js';
import { InvalidMatcherError, Matcher } from './matcher.js';
import type { MatchType } from './matcher.js';

/**
 * Which grammar to accept. `fallback` is Alertmanager's default since 0.27:
 * the UTF-8 grammar first, the classic one when that fails, and the classic
 * reading when both succeed but disagree, so inputs that worked with older
 * amtool versions keep their old meaning.
 */
export type MatcherSyntax = 'fallback' | 'utf8' | 'classic';

export interface ParseOptions {
  syntax?: MatcherSyntax;
}

/** Matcher text that cannot be parsed; says what was expected and where (0-based character offsets). */
export class MatcherParseError extends Error {
  readonly input: string;
  /** Offset of the offending token in characters (code points), when known. */
  readonly position: number | undefined;

  constructor(
    message: string,
    input: string,
    position: number | undefined,
    options?: { cause?: unknown },
  ) {
    const where = position === undefined ? '' : ` at position ${position}`;
    super(`${message}${where} in ${JSON.stringify(input)}`, options);
    this.name = 'MatcherParseError';
    this.input = input;
    this.position = position;
  }
}

/**
 * Parses a list of matchers: `a="b", c=~"d|e"` with optional braces and a
 * trailing comma. An empty input or `{}` gives an empty list; callers that
 * need at least one matcher check that themselves.
 */
export function parseMatchers(input: string, options: ParseOptions = {}): Matcher[] {
  const syntax = options.syntax ?? 'fallback';
  if (syntax === 'utf8') return parseUtf8(input);
  if (syntax === 'classic') return parseClassic(input);
  let utf8: Matcher[] | undefined;
  let utf8Error: unknown;
  try {
    utf8 = parseUtf8(input);
  } catch (error) {
    if (error instanceof ModuleNotLoadedError) throw error;
    utf8Error = error;
  }
  let classic: Matcher[] | undefined;
  try {
    classic = parseClassic(input);
  } catch (error) {
    if (error instanceof ModuleNotLoadedError) throw error;
    classic = undefined;
  }
  if (utf8 === undefined) {
    if (classic !== undefined) return classic;
    // The UTF-8 grammar's error carries a position, the classic one does not.
    throw utf8Error;
  }
  if (classic !== undefined && !sameMatchers(utf8, classic)) return classic;
  return utf8;
}

/** Parses exactly one matcher, without braces, as amtool's positional arguments and `filter` query parameters are. */
export function parseMatcher(input: string, options: ParseOptions = {}): Matcher {
  const trimmed = input.trim();
  if (trimmed.startsWith('{') || trimmed.endsWith('}')) {
    throw new MatcherParseError('unexpected brace: a single matcher has no braces', input, undefined);
  }
  const matchers = parseMatchers(input, options);
  if (matchers.length !== 1) {
    throw new MatcherParseError(
      matchers.length === 0 ? 'no matcher found' : `expected 1 matcher, found ${matchers.length}`,
      input,
      undefined,
    );
  }
  return matchers[0]!;
}

function sameMatchers(a: readonly Matcher[], b: readonly Matcher[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const other = b[i]!;
      return m.name === other.name && m.type === other.type && m.value === other.value;
    })
  );
}

function newMatcher(
  name: string,
  type: MatchType,
  value: string,
  input: string,
  position: number | undefined,
): Matcher {
  try {
    return new Matcher(name, type, value);
  } catch (error) {
    if (error instanceof InvalidMatcherError) {
      throw new MatcherParseError(error.message, input, position, { cause: error });
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// UTF-8 grammar: names and values are unquoted runs of non-reserved characters
// or Go-escaped double-quoted strings.

type TokenKind = '{' | '}' | ',' | 'op' | 'quoted' | 'unquoted' | 'eof';

interface Token {
  kind: TokenKind;
  /** Raw text as written (quotes included for quoted tokens). */
  text: string;
  start: number;
}

const RESERVED = new Set(['{', '}', '!', '=', '~', ',', '\\', '"', "'", '`']);

function isSpace(char: string): boolean {
  return /^\s$/u.test(char);
}

function tokenize(input: string): Token[] {
  const chars = Array.from(input);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (isSpace(char)) {
      i++;
      continue;
    }
    const start = i;
    if (char === '{' || char === '}' || char === ',') {
      tokens.push({ kind: char, text: char, start });
      i++;
    } else if (char === '=') {
      const op = chars[i + 1] === '~' ? '=~' : '=';
      tokens.push({ kind: 'op', text: op, start });
      i += op.length;
    } else if (char === '!') {
      const next = chars[i + 1];
      if (next !== '=' && next !== '~') {
        throw new MatcherParseError("expected '=' or '~' after '!'", input, start);
      }
      tokens.push({ kind: 'op', text: `!${next}`, start });
      i += 2;
    } else if (char === '"') {
      i++;
      let escaped = false;
      let closed = false;
      while (i < chars.length) {
        const c = chars[i]!;
        i++;
        if (escaped) {
          escaped = false;
        } else if (c === '\\') {
          escaped = true;
        } else if (c === '"') {
          closed = true;
          break;
        }
      }
      if (!closed) {
        throw new MatcherParseError('unterminated quoted string', input, start);
      }
      tokens.push({ kind: 'quoted', text: chars.slice(start, i).join(''), start });
    } else if (RESERVED.has(char)) {
      throw new MatcherParseError(
        `unexpected ${JSON.stringify(char)}: quote values that contain it`,
        input,
        start,
      );
    } else {
      while (i < chars.length && !RESERVED.has(chars[i]!) && !isSpace(chars[i]!)) i++;
      tokens.push({ kind: 'unquoted', text: chars.slice(start, i).join(''), start });
    }
  }
  tokens.push({ kind: 'eof', text: 'end of input', start: chars.length });
  return tokens;
}

function parseUtf8(input: string): Matcher[] {
  const tokens = tokenize(input);
  let index = 0;
  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;
  const fail = (token: Token, expected: string): never => {
    const found = token.kind === 'eof' ? 'end of input' : `unexpected ${token.text}`;
    throw new MatcherParseError(`${found}: ${expected}`, input, token.start);
  };

  const matchers: Matcher[] = [];
  const open = peek().kind === '{';
  if (open) next();

  while (peek().kind !== 'eof' && peek().kind !== '}') {
    const nameToken = next();
    if (nameToken.kind !== 'quoted' && nameToken.kind !== 'unquoted') {
      fail(nameToken, 'expected label name');
    }
    const name = tokenText(nameToken, input);
    if (name.length === 0) {
      throw new MatcherParseError('label name must not be empty', input, nameToken.start);
    }
    const opToken = next();
    if (opToken.kind !== 'op') {
      fail(opToken, "expected an operator such as '=', '!=', '=~' or '!~'");
    }
    const valueToken = next();
    if (valueToken.kind !== 'quoted' && valueToken.kind !== 'unquoted') {
      fail(valueToken, 'expected label value (write "" for an empty value)');
    }
    const value = tokenText(valueToken, input);
    matchers.push(newMatcher(name, opToken.text as MatchType, value, input, valueToken.start));

    const after = peek();
    if (after.kind === ',') {
      next();
    } else if (after.kind !== 'eof' && after.kind !== '}') {
      fail(after, 'expected a comma or close brace');
    }
  }

  const end = next();
  if (open && end.kind !== '}') fail(end, 'expected close brace');
  if (!open && end.kind === '}') fail(end, 'expected opening brace');
  if (open) {
    const rest = next();
    if (rest.kind !== 'eof') fail(rest, 'expected end of input');
  }
  return matchers;
}

function tokenText(token: Token, input: string): string {
  if (token.kind === 'unquoted') return token.text;
  const result = unquoteGo(token.text);
  if (typeof result === 'string') return result;
  throw new MatcherParseError(
    `invalid quoted string ${token.text}: ${result.problem}`,
    input,
    token.start,
  );
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  '"': 0x22,
};

const utf8Encoder = new TextEncoder();
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Go's strconv.Unquote for a double-quoted string. `\x` and octal escapes
 * produce bytes, so the result is decoded as UTF-8 and rejected if invalid,
 * as Alertmanager rejects `"\xf0\x9f"`.
 */
function unquoteGo(quoted: string): string | { problem: string } {
  const body = Array.from(quoted.slice(1, -1));
  const bytes: number[] = [];
  const pushText = (text: string): void => {
    for (const byte of utf8Encoder.encode(text)) bytes.push(byte);
  };
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === '\n') return { problem: 'literal newline inside quotes (write \\n)' };
    if (char !== '\\') {
      pushText(char);
      continue;
    }
    const kind = body[++i];
    if (kind === undefined) return { problem: 'unfinished escape sequence' };
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      bytes.push(simple);
    } else if (kind === 'x' || kind === 'u' || kind === 'U') {
      const width = kind === 'x' ? 2 : kind === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + width).join('');
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) {
        return { problem: `\\${kind} needs ${width} hex digits` };
      }
      i += width;
      const code = Number.parseInt(hex, 16);
      if (kind === 'x') {
        bytes.push(code);
      } else {
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
          return { problem: `\\${kind}${hex} is not a valid code point` };
        }
        pushText(String.fromCodePoint(code));
      }
    } else if (kind >= '0' && kind <= '7') {
      const octal = body.slice(i, i + 3).join('');
      if (!/^[0-7]{3}$/.test(octal)) return { problem: 'octal escapes need 3 digits' };
      const code = Number.parseInt(octal, 8);
      if (code > 0xff) return { problem: `\\${octal} is out of range` };
      bytes.push(code);
      i += 2;
    } else {
      return { problem: `unknown escape sequence \\${kind}` };
    }
  }
  try {
    return strictUtf8Decoder.decode(Uint8Array.from(bytes));
  } catch {
    return { problem: 'escapes do not form valid UTF-8' };
  }
}

// ---------------------------------------------------------------------------
// Classic grammar (Alertmanager before 0.27): Prometheus label names, values
// quoted or not, OpenMetrics escapes, whitespace around tokens ignored.

const CLASSIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function isGoSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f';
}

function trimGoSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text[start])) start++;
  while (end > start && isGoSpace(text[end - 1])) end--;
  return text.slice(start, end);
}

function parseClassic(input: string): Matcher[] {
  let body = input;
  if (body.startsWith('{')) body = body.slice(1);
  if (body.endsWith('}')) body = body.slice(0, -1);

  const parts: string[] = [];
  let current = '';
  let insideQuotes = false;
  let escaped = false;
  for (const char of body) {
    if (char === ',' && !insideQuotes) {
      parts.push(current);
      current = '';
      continue;
    }
    if (char === '"') {
      if (escaped) escaped = false;
      else insideQuotes = !insideQuotes;
    } else if (char === '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    current += char;
  }
  if (trimGoSpace(current) !== '') parts.push(current);
  return parts.map((part) => parseClassicMatcher(part, input));
}

function parseClassicMatcher(text: string, input: string): Matcher {
  const trimmed = trimGoSpace(text);
  const name = CLASSIC_NAME.exec(trimmed)?.[0];
  if (name === undefined) {
    throw new MatcherParseError(`bad matcher format: ${JSON.stringify(text)}`, input, undefined);
  }
  const rest = trimGoSpace(trimmed.slice(name.length));
  const type = (['=~', '=', '!=', '!~'] as const).find((op) => rest.startsWith(op));
  if (type === undefined) {
    throw new MatcherParseError(`bad matcher format: ${JSON.stringify(text)}`, input, undefined);
  }
  let raw = trimGoSpace(rest.slice(type.length));
  let expectClosingQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectClosingQuote = true;
  }
  const chars = Array.from(raw);
  let value = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '\\' && i < chars.length - 1) {
      const escapedChar = chars[++i]!;
      if (escapedChar === 'n') value += '\n';
      else if (escapedChar === '"' || escapedChar === '\\') value += escapedChar;
      else value += `\\${escapedChar}`;
    } else if (char === '"') {
      if (!expectClosingQuote || i < chars.length - 1) {
        throw new MatcherParseError(
          `matcher value contains an unescaped double quote: ${JSON.stringify(text)}`,
          input,
          undefined,
        );
      }
      expectClosingQuote = false;
    } else {
      value += char;
    }
  }
  if (expectClosingQuote) {
    throw new MatcherParseError(
      `matcher value is missing its closing double quote: ${JSON.stringify(text)}`,
      input,
      undefined,
    );
  }
  return newMatcher(name, type, value, input, undefined);
}
