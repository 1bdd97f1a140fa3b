import type { ConditionNode } from './ast.js';
import { mergeDefinitions, type Definitions } from './definitions.js';
import { RuleValidationError } from './errors.js';
import { isTopLevelField } from './field-names.js';
import { parseCondition } from './parser.js';

/**
 * Refuses, on write, a bare word that is no field of events or audit events.
 * In the rule language (kube-events, kube-auditing) a bare word is a field
 * read as a boolean, so `backoff` is legal and reads the field `backoff`:
 * no signal has one, so it is always false, and the author almost surely
 * meant the macro `${backoff}`. Only single words are checked (nested paths
 * such as `requestObject.spec.hostNetwork` are real boolean fields), and
 * only on write, so stored rules keep compiling in the filter.
 */
export function assertNoUnknownBareWords(source: string, definitions: Definitions = {}, definition?: string): void {
  const visible = mergeDefinitions(definitions);
  const check = (node: ConditionNode): void => {
    switch (node.type) {
      case 'and':
      case 'or':
        node.children.forEach(check);
        return;
      case 'not':
        check(node.child);
        return;
      case 'predicate': {
        if (node.op !== 'truthy' || node.field.type !== 'path' || node.field.segments.length !== 1) return;
        const [segment] = node.field.segments;
        if (segment?.type !== 'key' || isTopLevelField(segment.key)) return;
        const word = segment.key;
        const kind = Object.hasOwn(visible.macros ?? {}, word) ? 'macro' : Object.hasOwn(visible.aliases ?? {}, word) ? 'alias' : undefined;
        const where = `line ${node.position.line}, column ${node.position.column}${definition === undefined ? '' : ` in macro "${definition}"`}`;
        throw new RuleValidationError(
          `Unknown word "${word}" at ${where}: a bare word reads a boolean field, and events and audit events have no field "${word}"; ` +
            (kind === undefined ? `for a macro, define it and write \${${word}}` : `for the ${kind} "${word}", write \${${word}}`),
          { field: 'condition' },
        );
      }
      default:
        return;
    }
  };
  check(parseCondition(source, definition).ast);
}
