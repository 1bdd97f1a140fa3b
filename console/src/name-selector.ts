import type { RuleGroup } from './types.js';

/** A global rule group's selector over cluster or namespace names. */
export type NameSelector = NonNullable<Extract<RuleGroup, { level: 'global' }>['clusterSelector']>;

const MATCHER = /^(=~|!~|!=|=)(.*)$/s;

/** A selector as one line of text: names comma-separated, or a matcher (`=~kube-.*`, `!=default`). */
export function selectorText(selector: NameSelector | undefined): string {
  if (selector === undefined) return '';
  return 'inValues' in selector ? selector.inValues.join(', ') : `${selector.matcher.type}${selector.matcher.value}`;
}

/** The selector a line of text writes; undefined (every name) when it is empty. */
export function parseSelector(text: string): NameSelector | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const matcher = MATCHER.exec(trimmed);
  if (matcher !== null) return { matcher: { type: matcher[1] as '=~' | '!~' | '!=' | '=', value: matcher[2]!.trim() } };
  return {
    inValues: trimmed
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  };
}
