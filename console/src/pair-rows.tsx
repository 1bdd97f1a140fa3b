import { useI18n } from './i18n.js';
import type { PairRow } from './pairs.js';

// Pages import the rows' conversions with the component.
export { type PairRow, pairRowsOf, pairsOf } from './pairs.js';

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
