/**
 * kube-auditing's reusable parts: lists (`in ${list}`), macros (`${macro}`
 * as a condition) and aliases (`${alias}` as a field). Unlike the reference,
 * references are resolved on the syntax tree, not by text substitution:
 * macros behave as if parenthesized, may use other macros, and a `${...}`
 * inside a string literal stays literal text.
 */
import type { ConditionNode, FieldPath, ListItem, Predicate } from './ast.js';
import { RuleError, RuleReferenceError, RuleSyntaxError, RuleValidationError, type SourcePosition } from './errors.js';
import { toJsonFieldNames } from './field-names.js';
import { PositionMap, tokenize } from './lexer.js';
import { parseCondition } from './parser.js';

/** Named lists, macros and aliases available to conditions. */
export interface Definitions {
  lists?: Readonly<Record<string, readonly (string | number)[]>>;
  macros?: Readonly<Record<string, string>>;
  aliases?: Readonly<Record<string, string>>;
}

/** Most nodes a condition may have once macros are expanded; stops exponential macro bombs. */
export const MAX_EXPANDED_NODES = 20_000;
/** Most values a list may hold. */
export const MAX_LIST_LENGTH = 10_000;

const NAME = /^[A-Za-z0-9_.:-]+$/;

/** Layers definitions: later layers shadow earlier ones (a tenant's over the operator's). */
export function mergeDefinitions(...layers: readonly (Definitions | undefined)[]): Definitions {
  // Null-prototype targets: a definition named "__proto__" must stay a plain entry.
  const lists: Record<string, readonly (string | number)[]> = Object.create(null);
  const macros: Record<string, string> = Object.create(null);
  const aliases: Record<string, string> = Object.create(null);
  for (const layer of layers) {
    if (layer === undefined) continue;
    Object.assign(lists, layer.lists);
    Object.assign(macros, layer.macros);
    Object.assign(aliases, layer.aliases);
  }
  return { lists, macros, aliases };
}

function own<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}

type Resolved =
  | { kind: 'macro'; name: string; text: string }
  | { kind: 'alias'; name: string; text: string }
  | { kind: 'list'; name: string; values: readonly (string | number)[] };

/**
 * Finds a name. kube-auditing writes `${other-rule-cr.name}` for another
 * CR's definition; there is one namespace of names here, so when the full
 * name is unknown the part after the first dot is tried.
 */
function resolve(definitions: Definitions, name: string): Resolved | undefined {
  const candidates = [name];
  const dot = name.indexOf('.');
  if (dot > 0) candidates.push(name.slice(dot + 1));
  for (const candidate of candidates) {
    const macro = own(definitions.macros, candidate);
    if (macro !== undefined) return { kind: 'macro', name: candidate, text: macro };
    const alias = own(definitions.aliases, candidate);
    if (alias !== undefined) return { kind: 'alias', name: candidate, text: alias };
    const list = own(definitions.lists, candidate);
    if (list !== undefined) return { kind: 'list', name: candidate, values: list };
  }
  return undefined;
}

/** Parses an alias's text, a single field path such as `User.username`. */
export function parseFieldPath(text: string, aliasName?: string): FieldPath {
  const positions = new PositionMap(text);
  const tokens = tokenize(text, positions, aliasName);
  const first = tokens[0];
  const second = tokens[1];
  if (first?.kind !== 'path' || second?.kind !== 'eof') {
    const bad = first?.kind !== 'path' ? first : second;
    throw new RuleSyntaxError('An alias must be a single field path', {
      position: positions.at(bad?.start ?? 0),
      expected: ['a field path such as objectRef.name'],
      found: bad === undefined || bad.kind === 'eof' ? 'end of condition' : JSON.stringify(bad.text),
      ...(aliasName === undefined ? {} : { definition: aliasName }),
    });
  }
  return { type: 'path', segments: toJsonFieldNames(first.segments) };
}

/**
 * Replaces every `${name}` in a parsed condition by what it names. Throws
 * RuleReferenceError for an undefined name, a name of the wrong kind, or a
 * macro that (directly or not) uses itself.
 */
export function expandCondition(ast: ConditionNode, definitions: Definitions = {}): ConditionNode {
  const parsedMacros = new Map<string, ConditionNode>();
  const stack: string[] = [];
  let nodes = 0;

  const count = (): void => {
    if (++nodes > MAX_EXPANDED_NODES) {
      throw new RuleValidationError(`Condition expands to more than ${MAX_EXPANDED_NODES} nodes`, { field: 'condition' });
    }
  };

  const undefinedName = (name: string, kind: string, where: SourcePosition): never => {
    const inMacro = stack.length > 0 ? ` (in macro "${stack[stack.length - 1]}")` : '';
    throw new RuleReferenceError(
      `Undefined ${kind} "\${${name}}" at line ${where.line}, column ${where.column}${inMacro}`,
      { reference: name },
    );
  };

  const wrongKind = (found: Resolved, wanted: string, where: SourcePosition): never => {
    throw new RuleReferenceError(
      `"\${${found.name}}" is a ${found.kind} but is used as ${wanted} at line ${where.line}, column ${where.column}`,
      { reference: found.name },
    );
  };

  const aliasPath = (name: string, where: SourcePosition): FieldPath => {
    const found = resolve(definitions, name);
    if (found === undefined) return undefinedName(name, 'alias', where);
    if (found.kind !== 'alias') return wrongKind(found, 'a field', where);
    return parseFieldPath(found.text, found.name);
  };

  const expandList = (items: readonly ListItem[]): ListItem[] => {
    const out: ListItem[] = [];
    for (const item of items) {
      if (item.type === 'literal') {
        out.push(item);
        continue;
      }
      const found = resolve(definitions, item.name);
      if (found === undefined) return undefinedName(item.name, 'list', item.position);
      if (found.kind !== 'list') return wrongKind(found, 'a list', item.position);
      for (const value of found.values) out.push({ type: 'literal', value });
    }
    return out;
  };

  const expand = (node: ConditionNode): ConditionNode => {
    count();
    switch (node.type) {
      case 'and':
      case 'or':
        return { type: node.type, children: node.children.map(expand) };
      case 'not':
        return { type: 'not', child: expand(node.child) };
      case 'const':
        return node;
      case 'predicate': {
        const field = node.field.type === 'alias' ? aliasPath(node.field.name, node.field.position) : node.field;
        const expanded: Predicate = { ...node, field };
        if (node.list !== undefined) expanded.list = expandList(node.list);
        return expanded;
      }
      case 'ref': {
        const found = resolve(definitions, node.name);
        if (found === undefined) return undefinedName(node.name, 'macro', node.position);
        if (found.kind === 'alias') {
          // An alias on its own is a bare boolean field, as a path would be.
          const predicate: Predicate = {
            type: 'predicate',
            field: parseFieldPath(found.text, found.name),
            op: 'truthy',
            negated: false,
            position: node.position,
          };
          return predicate;
        }
        if (found.kind === 'list') return wrongKind(found, 'a condition', node.position);
        if (stack.includes(found.name)) {
          const chain = [...stack.slice(stack.indexOf(found.name)), found.name];
          throw new RuleReferenceError(`Macros form a cycle: ${chain.join(' -> ')}`, { reference: found.name, chain });
        }
        let parsed = parsedMacros.get(found.name);
        if (parsed === undefined) {
          parsed = parseCondition(found.text, found.name).ast;
          parsedMacros.set(found.name, parsed);
        }
        stack.push(found.name);
        const result = expand(parsed);
        stack.pop();
        return result;
      }
    }
  };

  return expand(ast);
}

/**
 * Checks a set of definitions on write: names, list values, every macro and
 * alias parses, and every macro expands (no undefined names, no cycles).
 * `available` are definitions visible to these ones (the operator's, for a tenant).
 */
export function validateDefinitions(definitions: Definitions, available?: Definitions): void {
  const all = mergeDefinitions(available, definitions);
  const seen = new Map<string, string>();
  const kinds: Array<[string, Readonly<Record<string, unknown>> | undefined]> = [
    ['list', definitions.lists],
    ['macro', definitions.macros],
    ['alias', definitions.aliases],
  ];
  for (const [kind, record] of kinds) {
    for (const name of Object.keys(record ?? {})) {
      if (!NAME.test(name)) {
        throw new RuleValidationError(`Invalid ${kind} name "${name}": use letters, digits, "_", "-", "." or ":"`, { field: `${kind}s.${name}` });
      }
      const other = seen.get(name);
      if (other !== undefined) {
        throw new RuleValidationError(`"${name}" is defined both as a ${other} and as a ${kind}`, { field: `${kind}s.${name}` });
      }
      seen.set(name, kind);
    }
  }
  for (const [name, values] of Object.entries(definitions.lists ?? {})) {
    if (!Array.isArray(values) || values.length > MAX_LIST_LENGTH || !values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new RuleValidationError(`List "${name}" must hold at most ${MAX_LIST_LENGTH} strings or numbers`, { field: `lists.${name}` });
    }
  }
  for (const [name, text] of Object.entries(definitions.aliases ?? {})) atField(`aliases.${name}`, () => parseFieldPath(text, name));
  for (const name of Object.keys(definitions.macros ?? {})) {
    atField(`macros.${name}`, () => expandCondition({ type: 'ref', name, position: { offset: 0, line: 1, column: 1 } }, all));
  }
}

/** Names the definition being checked as the field at fault: errors from its text name only `condition`. */
function atField(field: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (error instanceof RuleError) error.field = field;
    throw error;
  }
}
