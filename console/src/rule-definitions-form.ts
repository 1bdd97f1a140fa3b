import { type PairRow, pairsOf } from './pairs.js';
import type { RuleDefinitions } from './types.js';

type Lists = NonNullable<RuleDefinitions['lists']>;

/** A list as a row: its name, and its values comma-separated. */
export const listRowsOf = (lists: Lists | undefined): PairRow[] => Object.entries(lists ?? {}).map(([name, values]) => [name, values.join(', ')]);

/**
 * The lists the rows say. Values are text, except those the list held as
 * numbers when loaded, which stay numbers, so a save changes only what was typed.
 */
export function listBodyOf(rows: readonly PairRow[], loaded: Lists | undefined): Lists {
  return Object.fromEntries(
    Object.entries(pairsOf(rows)).map(([name, text]) => {
      const numbers = new Set((loaded?.[name] ?? []).filter((value) => typeof value === 'number').map(String));
      const values = text
        .split(',')
        .map((value) => value.trim())
        .filter((value) => value !== '');
      return [name, values.map((value) => (numbers.has(value) ? Number(value) : value))];
    }),
  );
}
