import { formatGoValue, goTypeName, GoStruct, type GoValue } from './go-printf.js';

/**
 * The part of Go's text/template that alerting rules use, parsed once and
 * run sandboxed: text, `{{- -}}` trimming, comments, pipelines with `|`,
 * parenthesized pipelines, variables (`$x := …`, `$x = …`, `$`), fields of
 * the data and of maps, string, raw string, number and bool literals,
 * `if`/`else if`/`else`, `with`, `range` over maps (sorted keys, as Go),
 * and the functions given. `define`, `template`, `block`, `break` and
 * `continue` are refused when parsing. Only the given functions and the
 * data's own fields are reachable (no methods, no prototype); a run is
 * bounded in steps and output.
 */

/** A template that does not parse, or fails while it runs; the message says where. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** A template function: Go values in, a Go value out; throws TemplateError (or any Error) to fail the expansion. */
export type TemplateFunction = (...args: GoValue[]) => GoValue;

/** Bounds of one run: `maxSteps` nodes and calls, `maxOutputBytes` of output (UTF-16 code units). */
export interface TemplateLimits {
  maxSteps: number;
  maxOutput: number;
}

type Operand =
  | { kind: 'dot' }
  | { kind: 'field'; receiver: Operand; names: string[] }
  | { kind: 'variable'; name: string }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: GoValue }
  | { kind: 'pipeline'; pipeline: Pipeline };

interface Command {
  args: Operand[];
}

interface Pipeline {
  declare: string[];
  assign: boolean;
  commands: Command[];
}

interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pipeline: Pipeline;
  list: Node[];
  elseList: Node[];
}

type Node = { kind: 'text'; text: string } | { kind: 'action'; pipeline: Pipeline } | ControlNode;

type Token =
  | { kind: 'open' | 'close' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'dot' }
  | { kind: 'field'; name: string }
  | { kind: 'variable'; name: string }
  | { kind: 'identifier'; name: string }
  | { kind: 'literal'; value: GoValue };

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);

/** Splits a template into text and the tokens of its actions. */
function lex(source: string): Array<{ kind: 'text'; text: string } | { kind: 'action'; tokens: Token[] }> {
  const items: Array<{ kind: 'text'; text: string } | { kind: 'action'; tokens: Token[] }> = [];
  let position = 0;
  let trimNext = false;
  while (position < source.length) {
    const open = source.indexOf('{{', position);
    let text = source.slice(position, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open === -1) {
      if (text !== '') items.push({ kind: 'text', text });
      break;
    }
    let cursor = open + 2;
    if (source.startsWith('- ', cursor) || source.startsWith('-\t', cursor) || source.startsWith('-\n', cursor) || source.startsWith('-\r', cursor)) {
      text = text.replace(/[ \t\r\n]+$/, '');
      cursor += 1;
    }
    if (text !== '') items.push({ kind: 'text', text });
    // A comment: {{/* … */}}, alone in its action.
    const afterSpace = cursor + (/^[ \t\r\n]*/.exec(source.slice(cursor))?.[0].length ?? 0);
    if (source.startsWith('/*', afterSpace)) {
      const end = source.indexOf('*/', afterSpace + 2);
      if (end === -1) throw new TemplateError('unclosed comment');
      const close = /^([ \t\r\n]+-)?\}\}/.exec(source.slice(end + 2));
      if (close === null) throw new TemplateError('comment ends before closing delimiter');
      trimNext = close[1] !== undefined;
      position = end + 2 + close[0].length;
      continue;
    }
    const { tokens, end, trimAfter } = lexAction(source, cursor);
    items.push({ kind: 'action', tokens });
    trimNext = trimAfter;
    position = end;
  }
  return items;
}

function lexAction(source: string, start: number): { tokens: Token[]; end: number; trimAfter: boolean } {
  const tokens: Token[] = [];
  let i = start;
  for (;;) {
    if (i >= source.length) throw new TemplateError('unclosed action');
    const rest = source.slice(i);
    const space = /^[ \t\r\n]+/.exec(rest);
    if (space !== null) {
      if (/^[ \t\r\n]+-\}\}/.test(rest)) return { tokens, end: i + space[0].length + 3, trimAfter: true };
      i += space[0].length;
      continue;
    }
    if (rest.startsWith('}}')) return { tokens, end: i + 2, trimAfter: false };
    const char = rest[0]!;
    if (char === '|') tokens.push({ kind: 'pipe' });
    else if (char === '(') tokens.push({ kind: 'lparen' });
    else if (char === ')') tokens.push({ kind: 'rparen' });
    else if (char === ',') tokens.push({ kind: 'comma' });
    else if (rest.startsWith(':=')) {
      tokens.push({ kind: 'declare' });
      i += 2;
      continue;
    } else if (char === '=') tokens.push({ kind: 'assign' });
    else if (char === '"') {
      const match = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
      if (match === null) throw new TemplateError('unterminated quoted string');
      tokens.push({ kind: 'literal', value: unquote(match[0]) });
      i += match[0].length;
      continue;
    } else if (char === '`') {
      const end = rest.indexOf('`', 1);
      if (end === -1) throw new TemplateError('unterminated raw quoted string');
      tokens.push({ kind: 'literal', value: rest.slice(1, end) });
      i += end + 1;
      continue;
    } else if (char === '$') {
      const name = /^\$[A-Za-z0-9_]*/.exec(rest)![0];
      tokens.push({ kind: 'variable', name });
      i += name.length;
      continue;
    } else if (char === '.' && /^\.[A-Za-z_]/.test(rest)) {
      const name = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)![1]!;
      tokens.push({ kind: 'field', name });
      i += name.length + 1;
      continue;
    } else if (/^[-+]?(\d|\.\d)/.test(rest)) {
      const number = /^[-+]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?)/.exec(rest)![0];
      tokens.push({ kind: 'literal', value: parseNumber(number) });
      i += number.length;
      continue;
    } else if (char === '.') tokens.push({ kind: 'dot' });
    else if (/^[A-Za-z_]/.test(rest)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)![0];
      if (name === 'true' || name === 'false') tokens.push({ kind: 'literal', value: name === 'true' });
      else tokens.push({ kind: 'identifier', name });
      i += name.length;
      continue;
    } else throw new TemplateError(`unexpected ${JSON.stringify(char)} in action`);
    i += 1;
  }
}

function unquote(quoted: string): string {
  try {
    return JSON.parse(quoted.replace(/\\([abfnrtv'"\\])|\\x([0-9a-fA-F]{2})/g, (whole, simple: string | undefined, hex: string | undefined) => {
      if (hex !== undefined) return `\\u00${hex}`;
      return { a: '\\u0007', v: '\\u000b', "'": "'" }[simple!] ?? whole;
    })) as string;
  } catch {
    throw new TemplateError(`bad string literal ${quoted}`);
  }
}

function parseNumber(text: string): GoValue {
  const clean = text.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|\d+)$/.test(clean)) {
    const negative = clean.startsWith('-');
    const digits = clean.replace(/^[-+]/, '');
    const value = BigInt(digits);
    return negative ? -value : value;
  }
  const value = Number(clean);
  if (Number.isNaN(value)) throw new TemplateError(`bad number syntax: ${text}`);
  return value;
}

/** Parses tokens into the node tree. */
class Parser {
  private index = 0;
  constructor(private readonly items: ReturnType<typeof lex>) {}

  parseList(terminators: readonly string[]): { list: Node[]; ended: string; tokens: Token[] } {
    const list: Node[] = [];
    while (this.index < this.items.length) {
      const item = this.items[this.index++]!;
      if (item.kind === 'text') {
        list.push(item);
        continue;
      }
      const [first, ...rest] = item.tokens;
      if (first === undefined) throw new TemplateError('missing value for command');
      if (first.kind === 'identifier' && KEYWORDS.has(first.name) && first.name !== 'nil') {
        if (terminators.includes(first.name)) return { list, ended: first.name, tokens: rest };
        if (first.name === 'if' || first.name === 'with' || first.name === 'range') {
          list.push(this.parseControl(first.name, rest));
          continue;
        }
        if (first.name === 'end' || first.name === 'else') throw new TemplateError(`unexpected {{${first.name}}}`);
        throw new TemplateError(`{{${first.name}}} is not supported in rule templates`);
      }
      list.push({ kind: 'action', pipeline: parsePipeline(item.tokens, true) });
    }
    if (terminators.length > 0) throw new TemplateError('unexpected EOF: missing {{end}}');
    return { list, ended: '', tokens: [] };
  }

  private parseControl(kind: 'if' | 'with' | 'range', tokens: Token[]): Node {
    const pipeline = parsePipeline(tokens, true);
    if (pipeline.commands.length === 0) throw new TemplateError(`missing value for ${kind}`);
    const body = this.parseList(['else', 'end']);
    let elseList: Node[] = [];
    if (body.ended === 'else') {
      const [next] = body.tokens;
      if (next?.kind === 'identifier' && (next.name === 'if' || next.name === 'with') && kind !== 'range') {
        // {{else if …}} is {{else}}{{if …}}…{{end}}{{end}} sharing one {{end}}.
        elseList = [this.parseControl(next.name, body.tokens.slice(1))];
      } else {
        if (body.tokens.length > 0) throw new TemplateError('unexpected tokens after {{else}}');
        elseList = this.parseList(['end']).list;
      }
    } else if (body.tokens.length > 0) throw new TemplateError('unexpected tokens after {{end}}');
    return { kind, pipeline, list: body.list, elseList };
  }
}

function parsePipeline(tokens: Token[], allowDeclaration: boolean): Pipeline {
  let position = 0;
  const declare: string[] = [];
  let assign = false;
  // `$x :=`, `$x =`, `$i, $v :=`
  if (allowDeclaration && tokens[0]?.kind === 'variable') {
    const variables = [tokens[0].name];
    let look = 1;
    if (tokens[1]?.kind === 'comma' && tokens[2]?.kind === 'variable') {
      variables.push(tokens[2].name);
      look = 3;
    }
    const op = tokens[look];
    if (op?.kind === 'declare' || op?.kind === 'assign') {
      declare.push(...variables);
      assign = op.kind === 'assign';
      position = look + 1;
    }
  }
  const commands: Command[] = [];
  let args: Operand[] = [];
  while (position < tokens.length) {
    const token = tokens[position]!;
    if (token.kind === 'pipe') {
      if (args.length === 0) throw new TemplateError('missing command before |');
      commands.push({ args });
      args = [];
      position += 1;
      continue;
    }
    const [operand, next] = parseOperand(tokens, position);
    args.push(operand);
    position = next;
  }
  if (args.length > 0) commands.push({ args });
  else if (commands.length > 0) throw new TemplateError('missing command after |');
  return { declare, assign, commands };
}

function parseOperand(tokens: Token[], position: number): [Operand, number] {
  const token = tokens[position]!;
  let operand: Operand;
  let next = position + 1;
  switch (token.kind) {
    case 'dot':
      operand = { kind: 'dot' };
      break;
    case 'field':
      operand = { kind: 'dot' };
      next = position;
      break;
    case 'variable':
      operand = { kind: 'variable', name: token.name };
      break;
    case 'literal':
      operand = { kind: 'literal', value: token.value };
      break;
    case 'identifier':
      if (token.name === 'nil') operand = { kind: 'literal', value: null };
      else if (KEYWORDS.has(token.name)) throw new TemplateError(`unexpected ${token.name} in operand`);
      else operand = { kind: 'function', name: token.name };
      break;
    case 'lparen': {
      let depth = 1;
      let end = position + 1;
      for (; end < tokens.length && depth > 0; end++) {
        if (tokens[end]!.kind === 'lparen') depth += 1;
        if (tokens[end]!.kind === 'rparen') depth -= 1;
      }
      if (depth !== 0) throw new TemplateError('unclosed left paren');
      operand = { kind: 'pipeline', pipeline: parsePipeline(tokens.slice(position + 1, end - 1), false) };
      next = end;
      break;
    }
    default:
      throw new TemplateError(`unexpected ${token.kind} in operand`);
  }
  const names: string[] = [];
  while (tokens[next]?.kind === 'field') {
    names.push((tokens[next] as { name: string }).name);
    next += 1;
  }
  if (names.length > 0) {
    if (operand.kind === 'literal' || operand.kind === 'function') throw new TemplateError('unexpected field after a literal or function');
    operand = { kind: 'field', receiver: operand, names };
  }
  return [operand, next];
}

/** A parsed template, ready to run many times. */
export class GoTemplate {
  private constructor(private readonly nodes: Node[]) {}

  /** Parses a template; TemplateError says what is wrong. Function names are checked against `functions`, as Go's parser does. */
  static parse(source: string, functions: ReadonlySet<string>): GoTemplate {
    const { list } = new Parser(lex(source)).parseList([]);
    checkFunctions(list, functions);
    return new GoTemplate(list);
  }

  /** Runs the template over `data` with `variables` predefined (Prometheus' `$labels`, `$value`, …). */
  execute(data: GoValue, variables: Readonly<Record<string, GoValue>>, functions: Readonly<Record<string, TemplateFunction>>, limits: TemplateLimits): string {
    const run = new Execution(functions, limits, [['$', data], ...Object.entries(variables)]);
    run.list(this.nodes, data);
    return run.output;
  }
}

function checkFunctions(nodes: Node[], functions: ReadonlySet<string>): void {
  const operand = (o: Operand): void => {
    if (o.kind === 'function' && !functions.has(o.name)) throw new TemplateError(`function "${o.name}" not defined`);
    if (o.kind === 'field') operand(o.receiver);
    if (o.kind === 'pipeline') pipeline(o.pipeline);
  };
  const pipeline = (p: Pipeline) => p.commands.forEach((c) => c.args.forEach(operand));
  for (const node of nodes) {
    if (node.kind === 'text') continue;
    pipeline(node.pipeline);
    if (node.kind !== 'action') {
      checkFunctions(node.list, functions);
      checkFunctions(node.elseList, functions);
    }
  }
}

/** Go's truth: false, 0, nil and empty strings and maps are false. */
export function isTrue(value: GoValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (value instanceof GoStruct) return true;
  return value.size > 0;
}

class Execution {
  output = '';
  private steps = 0;
  private readonly variables: Array<[string, GoValue]>;

  constructor(
    private readonly functions: Readonly<Record<string, TemplateFunction>>,
    private readonly limits: TemplateLimits,
    variables: Array<[string, GoValue]>,
  ) {
    this.variables = variables;
  }

  private step(): void {
    if (++this.steps > this.limits.maxSteps) throw new TemplateError(`template took more than ${this.limits.maxSteps} steps`);
  }

  private write(text: string): void {
    this.output += text;
    if (this.output.length > this.limits.maxOutput) throw new TemplateError(`template output is longer than ${this.limits.maxOutput} characters`);
  }

  list(nodes: Node[], dot: GoValue): void {
    for (const node of nodes) {
      this.step();
      if (node.kind === 'text') this.write(node.text);
      else if (node.kind === 'action') {
        const value = this.pipeline(node.pipeline, dot);
        if (node.pipeline.declare.length === 0) this.write(value === null ? '<no value>' : formatGoValue(value));
      } else this.control(node, dot);
    }
  }

  private control(node: ControlNode, dot: GoValue): void {
    const mark = this.variables.length;
    try {
      if (node.kind === 'range') {
        this.range(node, dot);
        return;
      }
      const value = this.pipeline(node.pipeline, dot);
      if (isTrue(value)) this.list(node.list, node.kind === 'with' ? value : dot);
      else this.list(node.elseList, dot);
    } finally {
      this.variables.length = mark;
    }
  }

  private range(node: ControlNode, dot: GoValue): void {
    const { declare, commands } = node.pipeline;
    const value = this.pipeline({ declare: [], assign: false, commands }, dot);
    if (value === null) {
      this.list(node.elseList, dot);
      return;
    }
    if (!(value instanceof Map)) throw new TemplateError(`range can't iterate over ${formatGoValue(value)}`);
    const keys = [...value.keys()].sort();
    if (keys.length === 0) {
      this.list(node.elseList, dot);
      return;
    }
    const mark = this.variables.length;
    for (const key of keys) {
      this.step();
      const element = value.get(key)!;
      if (declare.length === 1) this.variables.push([declare[0]!, element]);
      if (declare.length === 2) this.variables.push([declare[0]!, key], [declare[1]!, element]);
      this.list(node.list, element);
      this.variables.length = mark;
    }
  }

  private pipeline(pipeline: Pipeline, dot: GoValue): GoValue {
    let value: GoValue | undefined;
    for (const command of pipeline.commands) value = this.command(command, dot, value);
    const result = value ?? null;
    if (pipeline.declare.length > 0) {
      if (pipeline.assign) {
        const slot = this.variables.findLastIndex(([name]) => name === pipeline.declare[0]);
        if (slot === -1) throw new TemplateError(`undefined variable: ${pipeline.declare[0]!}`);
        this.variables[slot] = [pipeline.declare[0]!, result];
      } else this.variables.push([pipeline.declare[pipeline.declare.length - 1]!, result]);
    }
    return result;
  }

  private command(command: Command, dot: GoValue, piped: GoValue | undefined): GoValue {
    this.step();
    const [head, ...rest] = command.args;
    if (head!.kind === 'function') {
      const fn = this.functions[head!.name];
      if (fn === undefined || !Object.hasOwn(this.functions, head!.name)) throw new TemplateError(`function "${head!.name}" not defined`);
      if (head!.name === 'and' || head!.name === 'or') return this.logical(head!.name, rest, dot, piped);
      const args = rest.map((arg) => this.operand(arg, dot));
      if (piped !== undefined) args.push(piped);
      try {
        return fn(...args);
      } catch (error) {
        // Other errors (a module not loaded yet) are not the template's: they go to the caller as they are.
        if (!(error instanceof TemplateError) || error.message.startsWith('error calling')) throw error;
        throw new TemplateError(`error calling ${head!.name}: ${error.message}`);
      }
    }
    if (rest.length > 0 || piped !== undefined) throw new TemplateError(`can't give argument to non-function ${describe(head!)}`);
    return this.operand(head!, dot);
  }

  /** `and`/`or` stop at the first argument that decides, as Go 1.18+ does. */
  private logical(name: 'and' | 'or', args: Operand[], dot: GoValue, piped: GoValue | undefined): GoValue {
    const thunks: Array<() => GoValue> = args.map((arg) => () => this.operand(arg, dot));
    if (piped !== undefined) thunks.push(() => piped);
    if (thunks.length === 0) throw new TemplateError(`wrong number of args for ${name}: want at least 1 got 0`);
    let value: GoValue = null;
    for (const thunk of thunks) {
      value = thunk();
      if (isTrue(value) === (name === 'or')) return value;
    }
    return value;
  }

  private operand(operand: Operand, dot: GoValue): GoValue {
    switch (operand.kind) {
      case 'dot':
        return dot;
      case 'literal':
        return operand.value;
      case 'variable': {
        const found = this.variables.findLast(([name]) => name === operand.name);
        if (found === undefined) throw new TemplateError(`undefined variable: ${operand.name}`);
        return found[1];
      }
      case 'pipeline':
        return this.pipeline(operand.pipeline, dot);
      case 'function':
        return this.command({ args: [operand] }, dot, undefined);
      case 'field': {
        let value = this.operand(operand.receiver, dot);
        for (const name of operand.names) value = field(value, name);
        return value;
      }
    }
  }
}

/** A field of a struct, or a key of a map (missing: the zero value, as Prometheus' `missingkey=zero`). */
function field(value: GoValue, name: string): GoValue {
  if (value instanceof GoStruct) {
    if (!Object.hasOwn(value.fields, name)) throw new TemplateError(`can't evaluate field ${name} in type ${value.typeName}`);
    return value.fields[name]!;
  }
  if (value instanceof Map) return value.get(name) ?? '';
  if (value === null) throw new TemplateError(`nil pointer evaluating ${name}`);
  throw new TemplateError(`can't evaluate field ${name} in type ${goTypeName(value)}`);
}

function describe(operand: Operand): string {
  if (operand.kind === 'literal') return formatGoValue(operand.value);
  if (operand.kind === 'variable') return operand.name;
  if (operand.kind === 'field') return `.${operand.names.join('.')}`;
  return operand.kind;
}
