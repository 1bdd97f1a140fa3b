/**
 * An index of rules by a value their condition requires, so that an event
 * is tested only against the rules that could match it, plus the rules that
 * cannot be indexed. A rule is indexed when its condition is a conjunction
 * (or a single predicate) containing `field = literal` or `field in (...)`
 * on one of INDEXED_FIELDS; the most selective such field is chosen.
 */
import type { ConditionNode, FieldPath, Literal } from './ast.js';
import { compilePath, scalarText, toBoolean, toNumber, type EventDocument } from './evaluator.js';
import { formatPath } from './format.js';

/** Fields rules are indexed by, most selective first. */
export const INDEXED_FIELDS: readonly string[] = [
  'reason',
  'objectRef.resource',
  'objectRef.subresource',
  'verb',
  'involvedObject.kind',
  'user.username',
  'source.component',
  'type',
];

/** The index entry a rule's condition allows. */
export interface IndexChoice {
  field: string;
  /** Typed keys: `s:` string, `n:` number, `b:` boolean, matching `=` semantics. */
  keys: string[];
}

function literalKey(value: Literal): string {
  return typeof value === 'string' ? `s:${value}` : typeof value === 'number' ? `n:${value}` : `b:${value}`;
}

function valueKeys(value: unknown): string[] {
  const keys: string[] = [];
  const text = scalarText(value);
  if (text !== undefined) keys.push(`s:${text}`);
  const number = toNumber(value);
  if (number !== undefined) keys.push(`n:${number}`);
  const bool = toBoolean(value);
  if (bool !== undefined) keys.push(`b:${bool}`);
  return keys;
}

function conjuncts(node: ConditionNode): ConditionNode[] {
  return node.type === 'and' ? node.children.flatMap(conjuncts) : [node];
}

/** Picks the index entry for an expanded condition, or undefined when it must be scanned. */
export function chooseIndex(ast: ConditionNode): IndexChoice | undefined {
  let best: { rank: number; choice: IndexChoice } | undefined;
  for (const node of conjuncts(ast)) {
    if (node.type !== 'predicate' || node.negated || node.field.type !== 'path') continue;
    if (!node.field.segments.every((segment) => segment.type === 'key')) continue;
    const field = formatPath(node.field);
    const rank = INDEXED_FIELDS.indexOf(field);
    if (rank < 0 || (best !== undefined && best.rank <= rank)) continue;
    let keys: string[] | undefined;
    if (node.op === 'eq' && node.value !== undefined) keys = [literalKey(node.value)];
    if (node.op === 'in') keys = (node.list ?? []).flatMap((item) => (item.type === 'literal' ? [literalKey(item.value)] : []));
    if (keys !== undefined) best = { rank, choice: { field, keys } };
  }
  return best?.choice;
}

interface FieldBuckets<T> {
  values: (doc: EventDocument) => unknown[];
  buckets: Map<string, T[]>;
}

/** Rules indexed for candidate lookup; `order` keeps results in rule-set order. */
export class RuleIndex<T extends { readonly order: number; readonly condition: { readonly ast: ConditionNode } }> {
  private readonly fields = new Map<string, FieldBuckets<T>>();
  private readonly unindexed: T[] = [];
  private indexedCount = 0;

  /** Adds a rule; rules must be added in ascending `order`. */
  add(rule: T): void {
    const choice = chooseIndex(rule.condition.ast);
    if (choice === undefined) {
      this.unindexed.push(rule);
      return;
    }
    let entry = this.fields.get(choice.field);
    if (entry === undefined) {
      const path: FieldPath = { type: 'path', segments: choice.field.split('.').map((key) => ({ type: 'key', key })) };
      entry = { values: compilePath(path), buckets: new Map() };
      this.fields.set(choice.field, entry);
    }
    for (const key of new Set(choice.keys)) {
      const bucket = entry.buckets.get(key);
      if (bucket === undefined) entry.buckets.set(key, [rule]);
      else bucket.push(rule);
    }
    this.indexedCount++;
  }

  /** The rules that may match `doc`, in rule-set order; a superset of the matching ones. */
  candidates(doc: EventDocument): T[] {
    const hits = new Set<T>();
    for (const entry of this.fields.values()) {
      for (const value of entry.values(doc)) {
        for (const key of valueKeys(value)) {
          const bucket = entry.buckets.get(key);
          if (bucket !== undefined) for (const rule of bucket) hits.add(rule);
        }
      }
    }
    if (hits.size === 0) return this.unindexed;
    const indexed = [...hits].sort((a, b) => a.order - b.order);
    // Merge two sorted lists.
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < indexed.length || j < this.unindexed.length) {
      const a = indexed[i];
      const b = this.unindexed[j];
      if (b === undefined || (a !== undefined && a.order < b.order)) {
        out.push(a as T);
        i++;
      } else {
        out.push(b);
        j++;
      }
    }
    return out;
  }

  /** Sizes, for tests and metrics. */
  stats(): { indexed: number; unindexed: number; fields: string[] } {
    return { indexed: this.indexedCount, unindexed: this.unindexed.length, fields: [...this.fields.keys()] };
  }
}
