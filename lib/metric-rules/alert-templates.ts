import { re2 } from '../matchers/regex-engine.js';
import { ModuleNotLoadedError } from '../pipeline/lazy-module.js';
import { formatGoFloat, formatGoGeneral } from './go-format.js';
import { formatGoValue, goSprintf, goTypeName, GoStruct, type GoValue } from './go-printf.js';
import { GoTemplate, isTrue, TemplateError, type TemplateFunction } from './go-template.js';

/** What Prometheus gives a rule's label and annotation templates. */
export interface TemplateData {
  labels: Readonly<Record<string, string>>;
  externalLabels: Readonly<Record<string, string>>;
  externalURL: string;
  value: number;
}

/** One expansion's bounds, as the project's other templates are bounded. */
const LIMITS = { maxSteps: 10_000, maxOutput: 16 * 1024 };

/**
 * Functions Prometheus 2.42 defines that tidings' evaluator does not run:
 * a template naming them parses (the rule file is valid for a cluster's own
 * Prometheus) but its central expansion fails. `query` would run PromQL
 * outside the group's injected matchers; `first`, `label`, `value`,
 * `strvalue` and `sortByLabel` only take its results.
 */
const UNSUPPORTED = ['query', 'first', 'label', 'value', 'strvalue', 'sortByLabel', 'args', 'safeHtml', 'graphLink', 'tableLink', 'pathPrefix', 'externalURL', 'parseDuration', 'stripPort', 'stripDomain', 'toTime', 'html', 'js', 'slice', 'call'];

function toFloat(value: GoValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.trim() === value ? value : '';
    if (/^[-+]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    if (/^nan$/i.test(text)) return NaN;
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
    throw new TemplateError(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
  }
  throw new TemplateError(`can't convert ${goTypeName(value)} to float`);
}

const g4 = (value: number) => formatGoGeneral(value, 4);

function scaled(value: number, steps: readonly string[], base: number, down: boolean): [number, string] {
  let prefix = '';
  for (const step of steps) {
    if (down ? Math.abs(value) >= 1 : Math.abs(value) < base) break;
    prefix = step;
    value = down ? value * base : value / base;
  }
  return [value, prefix];
}

const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

/** Prometheus' number functions (template/template.go), with Go's `%.4g`. */
const humanizers: Record<string, TemplateFunction> = {
  humanize: (input) => {
    const v = toFloat(input);
    if (v === 0 || !Number.isFinite(v)) return g4(v);
    const [value, prefix] = Math.abs(v) >= 1 ? scaled(v, ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'], 1000, false) : scaled(v, SMALL, 1000, true);
    return `${g4(value)}${prefix}`;
  },
  humanize1024: (input) => {
    const v = toFloat(input);
    if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
    const [value, prefix] = scaled(v, ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'], 1024, false);
    return `${g4(value)}${prefix}`;
  },
  humanizeDuration: (input) => {
    let v = toFloat(input);
    if (!Number.isFinite(v)) return g4(v);
    if (v === 0) return `${g4(v)}s`;
    if (Math.abs(v) >= 1) {
      const sign = v < 0 ? '-' : '';
      v = Math.abs(v);
      // Go's int64(v): on amd64 a float beyond int64 becomes its minimum.
      const whole = v < 2 ** 63 ? BigInt(Math.trunc(v)) : -(2n ** 63n);
      const [days, hours, minutes, seconds] = [whole / 86_400n, (whole / 3600n) % 24n, (whole / 60n) % 60n, whole % 60n];
      if (days !== 0n) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
      if (hours !== 0n) return `${sign}${hours}h ${minutes}m ${seconds}s`;
      if (minutes !== 0n) return `${sign}${minutes}m ${seconds}s`;
      return `${sign}${g4(v)}s`;
    }
    const [value, prefix] = scaled(v, SMALL, 1000, true);
    return `${g4(value)}${prefix}s`;
  },
  humanizePercentage: (input) => `${g4(toFloat(input) * 100)}%`,
  humanizeTimestamp: (input) => {
    const v = toFloat(input);
    if (!Number.isFinite(v)) return g4(v);
    if (Math.abs(v * 1e9) > 9.223372036854776e18) throw new TemplateError(`${formatGoFloat(v)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
    // Prometheus goes through model.Time: milliseconds, truncated.
    return goTimeString(Math.trunc(v * 1000));
  },
};

/** Go's `time.Time.String()` in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
function goTimeString(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`} +0000 UTC`;
}

/** A code point at a time, as Go's strings.ToUpper/ToLower map runes (no `ß` to `SS`). */
function mapRunes(text: string, map: (rune: string) => string): string {
  return [...text].map((rune) => {
    const mapped = map(rune);
    return [...mapped].length === 1 ? mapped : rune;
  }).join('');
}

/** Go's strings.Title, which Prometheus 2.42's `title` is: a letter after a separator (not a letter, digit or `_`) is upper-cased. */
function title(text: string): string {
  let previous = ' ';
  return [...text]
    .map((rune) => {
      const separator = !/^[\p{L}\p{N}_]$/u.test(previous) && (previous.codePointAt(0)! <= 0x7f || /^\s$/u.test(previous));
      previous = rune;
      return separator ? mapRunes(rune, (r) => r.toUpperCase()) : rune;
    })
    .join('');
}

function stringArg(value: GoValue, fn: string): string {
  if (typeof value !== 'string') throw new TemplateError(`wrong type for value; expected string; got ${goTypeName(value)} (${fn})`);
  return value;
}

function compileRegex(pattern: string) {
  try {
    return re2.get().RE2JS.compile(pattern);
  } catch (error) {
    if (error instanceof ModuleNotLoadedError) throw error;
    throw new TemplateError(`error parsing regexp: ${error instanceof Error ? error.message : String(error)}: \`${pattern}\``);
  }
}

/** Go's Regexp.ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` expanded; an empty match right after a match is not replaced. */
function reReplaceAll(pattern: GoValue, replacement: GoValue, text: GoValue): string {
  const regex = compileRegex(stringArg(pattern, 'reReplaceAll'));
  const [repl, input] = [stringArg(replacement, 'reReplaceAll'), stringArg(text, 'reReplaceAll')];
  const names = regex.namedGroups();
  const matcher = regex.matcher(input);
  let out = '';
  let lastEnd = 0;
  let search = 0;
  while (search <= input.length && matcher.find(search)) {
    const [start, end] = [matcher.start(), matcher.end()];
    out += input.slice(lastEnd, start);
    if (end > lastEnd || start === 0) {
      out += repl.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (whole, _all: string, braced: string | undefined, bare: string | undefined) => {
        if (whole === '$$') return '$';
        const name = braced ?? bare!;
        const index = /^\d+$/.test(name) ? Number(name) : names[name];
        if (index === undefined || index > matcher.groupCount()) return '';
        return matcher.group(index) ?? '';
      });
    }
    lastEnd = end;
    const width = (input.codePointAt(search) ?? 0) > 0xffff ? 2 : 1;
    search = search + width > end ? search + width : end;
  }
  return out + input.slice(lastEnd);
}

/** Go's text/template `lt` and `eq` over basic kinds of the same kind (no int against float); `le`, `gt`, `ge` and `ne` are made of them, as in Go (so NaN is `gt` anything). */
function comparable(name: string, a: GoValue, b: GoValue, ordered: boolean): void {
  const kind = (v: GoValue) => (v === null ? 'nil' : v instanceof Map || v instanceof GoStruct ? 'other' : typeof v);
  if (kind(a) === 'other' || kind(b) === 'other' || (ordered && (kind(a) === 'boolean' || kind(a) === 'nil'))) throw new TemplateError(`error calling ${name}: invalid type for comparison`);
  if (kind(a) !== kind(b)) throw new TemplateError(`error calling ${name}: incompatible types for comparison`);
}

function equal(name: string, a: GoValue, b: GoValue): boolean {
  comparable(name, a, b, false);
  return a === b;
}

function less(name: string, a: GoValue, b: GoValue): boolean {
  comparable(name, a, b, true);
  return (a as number) < (b as number);
}

function sprint(args: readonly GoValue[], spaces: 'between-non-strings' | 'always'): string {
  return args.map((arg, i) => (i > 0 && (spaces === 'always' || (typeof arg !== 'string' && typeof args[i - 1] !== 'string')) ? ' ' : '') + formatGoValue(arg)).join('');
}

/** Go's text/template built-ins that rule templates use. */
const builtins: Record<string, TemplateFunction> = {
  // and/or are evaluated lazily by the engine; these entries only make the names known.
  and: () => null,
  or: () => null,
  not: (value) => !isTrue(value),
  eq: (a, ...others) => {
    if (others.length === 0) throw new TemplateError('missing argument for comparison');
    return others.some((b) => equal('eq', a, b));
  },
  ne: (a, b) => !equal('ne', a, b),
  lt: (a, b) => less('lt', a, b),
  le: (a, b) => less('le', a, b) || equal('le', a, b),
  gt: (a, b) => !(less('gt', a, b) || equal('gt', a, b)),
  ge: (a, b) => !less('ge', a, b),
  len: (value) => {
    if (typeof value === 'string') return BigInt(Buffer.byteLength(value, 'utf8'));
    if (value instanceof Map) return BigInt(value.size);
    throw new TemplateError(`len of type ${goTypeName(value)}`);
  },
  index: (collection, ...keys) => {
    let value = collection;
    for (const key of keys) {
      if (!(value instanceof Map) || typeof key !== 'string') throw new TemplateError(`can't index item of type ${goTypeName(value)}`);
      value = value.get(key) ?? '';
    }
    return value;
  },
  print: (...args) => sprint(args, 'between-non-strings'),
  println: (...args) => `${sprint(args, 'always')}\n`,
  printf: (format, ...args) => goSprintf(stringArg(format, 'printf'), args),
  urlquery: (...args) => encodeURIComponent(sprint(args, 'between-non-strings')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+'),
};

const prometheusFunctions: Record<string, TemplateFunction> = {
  ...builtins,
  ...humanizers,
  title: (text) => title(stringArg(text, 'title')),
  toUpper: (text) => mapRunes(stringArg(text, 'toUpper'), (r) => r.toUpperCase()),
  toLower: (text) => mapRunes(stringArg(text, 'toLower'), (r) => r.toLowerCase()),
  reReplaceAll,
  match: (pattern, text) => compileRegex(stringArg(pattern, 'match')).matcher(stringArg(text, 'match')).find(),
};

const KNOWN_FUNCTIONS: ReadonlySet<string> = new Set([...Object.keys(prometheusFunctions), ...UNSUPPORTED]);
const FUNCTIONS: Record<string, TemplateFunction> = {
  ...prometheusFunctions,
  ...Object.fromEntries(
    UNSUPPORTED.map((name) => [
      name,
      () => {
        throw new TemplateError(`${name} is not supported by tidings' central evaluation (a cluster's own Prometheus runs it)`);
      },
    ]),
  ),
};

const parsed = new Map<string, GoTemplate>();

/** Parses a rule template as Prometheus loads it (function names checked); TemplateError says why not. Cached. */
export function parseRuleTemplate(template: string): GoTemplate {
  let compiled = parsed.get(template);
  if (compiled === undefined) {
    compiled = GoTemplate.parse(template, KNOWN_FUNCTIONS);
    // A small bound: a group has at most 40 rules with a few templates each.
    if (parsed.size >= 1000) parsed.delete(parsed.keys().next().value!);
    parsed.set(template, compiled);
  }
  return compiled;
}

/**
 * Expands a rule's label or annotation template as Prometheus does: Go's
 * text/template with `$labels`, `$value`, `$externalLabels`, `$externalURL`
 * (and `.Labels`, `.Value`, …), missing labels empty, and Prometheus'
 * functions (`humanize`, `printf`, `reReplaceAll`, …). A template that
 * does not parse, or fails, yields Prometheus' own failure text,
 * `<error expanding template: …>`, so the alert still goes out and says
 * what could not be shown. Needs RE2 loaded for `reReplaceAll` and
 * `match`: run callers through withLazyModules.
 */
export function expandTemplate(template: string, data: TemplateData): string {
  if (!template.includes('{{')) return template;
  try {
    const labels = new Map(Object.entries(data.labels));
    const externalLabels = new Map(Object.entries(data.externalLabels));
    const root = new GoStruct('struct', { Labels: labels, ExternalLabels: externalLabels, ExternalURL: data.externalURL, Value: data.value });
    return parseRuleTemplate(template).execute(root, { $labels: labels, $externalLabels: externalLabels, $externalURL: data.externalURL, $value: data.value }, FUNCTIONS, LIMITS);
  } catch (error) {
    if (error instanceof ModuleNotLoadedError) throw error;
    if (error instanceof TemplateError) return `<error expanding template: ${error.message}>`;
    throw error;
  }
}
