/** Name/value rows as a form holds them: kept in order, blank rows allowed while typing. */
export type PairRow = [name: string, value: string];

export const pairRowsOf = (pairs: Record<string, string> | undefined): PairRow[] => Object.entries(pairs ?? {});

/** The object the rows say; a row with neither name nor value is dropped, any other is sent for the API to judge. */
export function pairsOf(rows: readonly PairRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter(([name, value]) => name.trim() !== '' || value !== '').map(([name, value]) => [name.trim(), value]));
}
