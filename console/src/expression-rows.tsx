import { describedBy, FieldErrors } from './components.js';
import { useI18n } from './i18n.js';
import { EXPRESSION_OPERATORS, type ExpressionRow } from './selector-form.js';

/** A label selector's set-based requirements as rows of key, operator and values; the API's messages about them under the rows. */
export function ExpressionRows({ id, field, rows, onChange, error }: { id: string; field: string; rows: readonly ExpressionRow[]; onChange: (rows: ExpressionRow[]) => void; error: unknown }) {
  const { t } = useI18n();
  const setRow = (index: number, patch: Partial<ExpressionRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <div class="field levels" id={id} role="group" aria-label={t('selector.matchExpressions')} aria-describedby={describedBy(id)}>
      <span class="label">{t('selector.matchExpressions')}</span>
      {rows.map((row, index) => (
        <div class="level-row" key={index}>
          <input aria-label={t('selector.expressionKey')} class="pair-name" value={row.key} spellcheck={false} onInput={(e) => setRow(index, { key: e.currentTarget.value })} />
          <select aria-label={t('selector.expressionOperator')} value={row.operator} onChange={(e) => setRow(index, { operator: e.currentTarget.value as ExpressionRow['operator'] })}>
            {EXPRESSION_OPERATORS.map((operator) => (
              <option key={operator} value={operator}>
                {operator}
              </option>
            ))}
          </select>
          <input aria-label={t('selector.expressionValues')} class="pair-value" value={row.values} onInput={(e) => setRow(index, { values: e.currentTarget.value })} />
          <button type="button" aria-label={t('pairs.remove')} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            ×
          </button>
        </div>
      ))}
      <small id={`${id}-help`}>{t('selector.matchExpressionsHelp')}</small>
      <button type="button" onClick={() => onChange([...rows, { key: '', operator: 'In', values: '' }])}>
        {t('pairs.add')}
      </button>
      <FieldErrors error={error} field={field} id={`${id}-error`} />
    </div>
  );
}
