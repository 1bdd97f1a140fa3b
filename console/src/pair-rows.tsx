import { useI18n } from './i18n.js';

/** Name/value rows as a form holds them: kept in order, blank rows allowed while typing. */
export type PairRow = [name: string, value: string];

export const pairRowsOf = (pairs: Record<string, string> | undefined): PairRow[] => Object.entries(pairs ?? {});

/** The object the rows say; a row with neither name nor value is dropped, any other is sent for the API to judge. */
export function pairsOf(rows: readonly PairRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter(([name, value]) => name.trim() !== '' || value !== '').map(([name, value]) => [name.trim(), value]));
}

/**
 * Editable name/value rows (labels, annotations) as one labelled group; `id`
 * ties it to its field's help and error, each input is labelled for screen readers.
 */
export function PairRows({ id, label, rows, onChange, describedBy }: { id: string; label: string; rows: readonly PairRow[]; onChange: (rows: PairRow[]) => void; describedBy: string }) {
  const { t } = useI18n();
  const setRow = (index: number, row: PairRow) => onChange(rows.map((r, i) => (i === index ? row : r)));
  return (
    <div class="pair-rows" id={id} role="group" aria-label={label} aria-describedby={describedBy}>
      {rows.map(([name, value], index) => (
        <div class="pair-row" key={index}>
          <input aria-label={t('pairs.name')} class="pair-name" value={name} spellcheck={false} onInput={(e) => setRow(index, [e.currentTarget.value, value])} />
          <input aria-label={t('pairs.value')} class="pair-value" value={value} onInput={(e) => setRow(index, [name, e.currentTarget.value])} />
          <button type="button" aria-label={t('pairs.remove')} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" class="pair-add" onClick={() => onChange([...rows, ['', '']])}>
        {t('pairs.add')}
      </button>
    </div>
  );
}
