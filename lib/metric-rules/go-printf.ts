import { formatGoExponent, formatGoFixed, formatGoFloat, formatGoGeneral } from './go-format.js';

/**
 * A value of a rule template, with Go's types: `string`, `float64`
 * (number), `int` (bigint: literals and `len`), `bool`, `nil` (null),
 * `map[string]string` (a Map) and the template data struct.
 */
export type GoValue = string | number | bigint | boolean | null | ReadonlyMap<string, string> | GoStruct;

/** A Go struct: fields by name (the template data, `.Labels`, `.Value`, …). */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, GoValue>>,
  ) {}
}

/** Go's type name of a value, as fmt shows it in `%!d(float64=1.5)`. */
export function goTypeName(value: GoValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof GoStruct) return value.typeName;
  return 'map[string]string';
}

/** A value as Go's `fmt.Sprint` prints it (what `{{ x }}` writes). */
export function formatGoValue(value: GoValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatGoFloat(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof GoStruct) return `{${Object.values(value.fields).map(formatGoValue).join(' ')}}`;
  return `map[${[...value.keys()]
    .sort()
    .map((key) => `${key}:${value.get(key)!}`)
    .join(' ')}]`;
}

const MAX_WIDTH = 10_000;
const VERB = /%([-+# 0]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;

/** Go's `fmt.Sprintf` for the verbs templates use: `%v %s %q %d %f %F %e %E %g %G %x %X %t %%`, flags `-+ 0`, width and precision. */
export function goSprintf(format: string, args: readonly GoValue[]): string {
  let next = 0;
  let out = format.replace(VERB, (_whole, flags: string, widthText: string | undefined, precisionText: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++]!;
    const width = widthText === undefined ? 0 : Math.min(Number(widthText), MAX_WIDTH);
    const precision = precisionText === undefined ? undefined : Math.min(precisionText === '' ? 0 : Number(precisionText), MAX_WIDTH);
    const text = formatVerb(verb, arg, precision, flags);
    if (text.length >= width) return text;
    if (flags.includes('-')) return text.padEnd(width);
    const numeric = typeof arg === 'number' || typeof arg === 'bigint';
    if (flags.includes('0') && numeric && /^[+-]?[0-9]/.test(text)) {
      const sign = /^[+-]/.test(text) ? text[0]! : '';
      return sign + text.slice(sign.length).padStart(width - sign.length, '0');
    }
    return text.padStart(width);
  });
  if (next < args.length) out += `%!(EXTRA ${args.slice(next).map((a) => `${goTypeName(a)}=${formatGoValue(a)}`).join(', ')})`;
  return out;
}

function formatVerb(verb: string, arg: GoValue, precision: number | undefined, flags: string): string {
  const bad = () => `%!${verb}(${goTypeName(arg)}=${formatGoValue(arg)})`;
  const signed = (text: string) => (/^[-+]/.test(text) ? text : flags.includes('+') ? `+${text}` : flags.includes(' ') ? ` ${text}` : text);
  switch (verb) {
    case 'v':
      return typeof arg === 'number' && precision !== undefined ? formatGoGeneral(arg, precision) : typeof arg === 'number' ? signed(formatGoValue(arg)) : formatGoValue(arg);
    case 's':
      if (typeof arg === 'string') return precision === undefined ? arg : [...arg].slice(0, precision).join('');
      return typeof arg === 'number' || typeof arg === 'bigint' || typeof arg === 'boolean' ? bad() : formatGoValue(arg);
    case 'q':
      return typeof arg === 'string' ? JSON.stringify(arg) : bad();
    case 't':
      return typeof arg === 'boolean' ? String(arg) : bad();
    case 'd':
      return typeof arg === 'bigint' ? signed(arg.toString()) : bad();
    case 'x':
    case 'X': {
      let text: string;
      if (typeof arg === 'bigint') text = arg < 0n ? `-${(-arg).toString(16)}` : arg.toString(16);
      else if (typeof arg === 'string') text = Buffer.from(arg, 'utf8').toString('hex');
      else return bad();
      return verb === 'X' ? text.toUpperCase() : text;
    }
    case 'f':
    case 'F':
      return typeof arg === 'number' ? signed(formatGoFixed(arg, precision ?? 6)) : bad();
    case 'e':
    case 'E': {
      if (typeof arg !== 'number') return bad();
      const text = signed(formatGoExponent(arg, precision ?? 6));
      return verb === 'E' ? text.toUpperCase() : text;
    }
    case 'g':
    case 'G': {
      if (typeof arg !== 'number') return bad();
      const text = signed(precision === undefined ? formatGoFloat(arg) : formatGoGeneral(arg, precision));
      return verb === 'G' ? text.toUpperCase() : text;
    }
    default:
      return bad();
  }
}
