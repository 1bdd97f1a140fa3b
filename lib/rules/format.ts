/**
 * Prints a syntax tree back to condition text that parses to the same tree.
 * Generated conditions (kubernetes-event-exporter routes) are stored as text
 * like any other rule, so users can read and edit them.
 */
import type { ConditionNode, FieldPath, ListItem, Literal, Predicate } from './ast.js';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'startswith', 'endswith', 'like', 'regex', 'exists', 'true', 'false']);

/** A string literal in double quotes, escaping what the lexer unescapes. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return `${out}"`;
}

function formatLiteral(value: Literal): string {
  return typeof value === 'string' ? quoteString(value) : String(value);
}

/** Prints a field path; keys that are not plain identifiers are bracketed and quoted. */
export function formatPath(path: FieldPath): string {
  let out = '';
  path.segments.forEach((segment, i) => {
    switch (segment.type) {
      case 'key': {
        const plain = PLAIN_KEY.test(segment.key) && !(i === 0 && path.segments.length === 1 && KEYWORDS.has(segment.key.toLowerCase()));
        out += plain ? `${i === 0 ? '' : '.'}${segment.key}` : `[${quoteString(segment.key)}]`;
        break;
      }
      case 'index':
        out += `[${segment.index}]`;
        break;
      case 'wildcard':
        out += '[*]';
        break;
      case 'slice':
        out += `[${segment.start ?? ''}:${segment.end ?? ''}]`;
        break;
    }
  });
  return out;
}

function formatList(items: readonly ListItem[]): string {
  return `(${items.map((item) => (item.type === 'literal' ? formatLiteral(item.value) : `\${${item.name}}`)).join(', ')})`;
}

function formatPredicate(node: Predicate): string {
  const field = node.field.type === 'path' ? formatPath(node.field) : `\${${node.field.name}}`;
  const not = node.negated ? 'not ' : '';
  const value = node.value === undefined ? '' : formatLiteral(node.value);
  switch (node.op) {
    case 'eq':
      return `${field} ${node.negated ? '!=' : '='} ${value}`;
    case 'lt':
      return `${field} < ${value}`;
    case 'le':
      return `${field} <= ${value}`;
    case 'gt':
      return `${field} > ${value}`;
    case 'ge':
      return `${field} >= ${value}`;
    case 'in':
      return `${field} ${not}in ${formatList(node.list ?? [])}`;
    case 'exists':
      return `${field} ${not}exists`;
    case 'truthy':
      return field;
    default:
      return `${field} ${not}${node.op} ${value}`;
  }
}

/** Prints a condition; `and` inside `or` and any compound under `not` get parentheses. */
export function formatCondition(node: ConditionNode): string {
  switch (node.type) {
    case 'const':
      return String(node.value);
    case 'ref':
      return `\${${node.name}}`;
    case 'predicate':
      return formatPredicate(node);
    case 'not': {
      const inner = formatCondition(node.child);
      return node.child.type === 'predicate' || node.child.type === 'const' || node.child.type === 'ref' ? `not ${inner}` : `not (${inner})`;
    }
    case 'and':
      return node.children.map((child) => (child.type === 'or' ? `(${formatCondition(child)})` : formatCondition(child))).join(' and ');
    case 'or':
      return node.children.map((child) => (child.type === 'and' ? `(${formatCondition(child)})` : formatCondition(child))).join(' or ');
  }
}
