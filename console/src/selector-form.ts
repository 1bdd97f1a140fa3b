import { linesOf, matcherLines, namesOf } from './matcher-text.js';
import { type PairRow, pairRowsOf, pairsOf } from './pairs.js';
import type { ReceiverView } from './types.js';

/**
 * A label selector (a router's selector, a receiver's filter) as a form holds
 * it and as the API takes it (lib/matchers/selector.ts): Alertmanager matchers
 * typed one per line, `matchLabels` as name/value rows, `matchExpressions` as
 * rows of key, operator and values. Matchers go as the lines typed, so the API
 * parses them and names the line it refuses.
 */
type Selector = NonNullable<ReceiverView['filter']>;
type Expression = NonNullable<Selector['matchExpressions']>[number];
export const EXPRESSION_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** A Kubernetes label selector requirement as a row: `values` comma-separated (none for Exists and DoesNotExist). */
export interface ExpressionRow {
  key: string;
  operator: Expression['operator'];
  values: string;
}

export interface SelectorForm {
  /** Alertmanager matchers over the alert's labels, one per line. */
  matchers: string;
  /** A Kubernetes label selector: labels that must be equal, and set-based requirements. */
  matchLabels: PairRow[];
  matchExpressions: ExpressionRow[];
}

export function selectorFormOf(selector: Selector | undefined): SelectorForm {
  return {
    matchers: matcherLines(selector?.matchers),
    matchLabels: pairRowsOf(selector?.matchLabels),
    matchExpressions: (selector?.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: (e.values ?? []).join(', ') })),
  };
}

/** The selector the form says; an empty part is left out, so an empty form is `{}` (every alert). */
export function selectorBodyOf(form: SelectorForm): Selector {
  const matchers = linesOf(form.matchers);
  const matchLabels = pairsOf(form.matchLabels);
  // Values typed for Exists or DoesNotExist are sent, so the API says they must be empty.
  const matchExpressions = form.matchExpressions.map((row): Expression => {
    const values = namesOf(row.values);
    return { key: row.key.trim(), operator: row.operator, ...(values.length === 0 && (row.operator === 'Exists' || row.operator === 'DoesNotExist') ? {} : { values }) };
  });
  return {
    ...(Object.keys(matchLabels).length === 0 ? {} : { matchLabels }),
    ...(matchExpressions.length === 0 ? {} : { matchExpressions }),
    ...(matchers.length === 0 ? {} : { matchers }),
  };
}
