import { describedBy, Field, FieldErrors } from '../components.js';
import { useI18n } from '../i18n.js';
import { BUILDER_COMPARATORS, type BuilderForm, type BuilderKind, COMPARATORS, type LevelForm, metricPaths, newLevel, SEVERITIES, WORKLOAD_KINDS } from '../metric-rule-form.js';

function Choice({ id, label, value, options, onChange }: { id: string; label: string; value: string; options: readonly string[]; onChange: (value: string) => void }) {
  return (
    <select id={id} aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {options.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );
}

/** The builder's fields; the API's messages about any of them are shown under them. */
export function BuilderFields({ id, kind, form, onChange, error, field }: { id: string; kind: BuilderKind; form: BuilderForm; onChange: (form: BuilderForm) => void; error: unknown; field: string }) {
  const { t } = useI18n();
  const set = (patch: Partial<BuilderForm>) => onChange({ ...form, ...patch });
  return (
    <fieldset class="builder" data-builder={kind}>
      <legend>{t(`ruleGroups.builder.${kind}`)}</legend>
      {kind === 'workload' && (
        <Field id={`${id}-kind`} label={t('ruleGroups.builder.kind')}>
          <Choice id={`${id}-kind`} label={t('ruleGroups.builder.kind')} value={form.kind} options={WORKLOAD_KINDS} onChange={(value) => set({ kind: value })} />
        </Field>
      )}
      <Field id={`${id}-names`} label={t(`ruleGroups.builder.names.${kind}`)} help={t('ruleGroups.builder.namesHelp')}>
        <input id={`${id}-names`} value={form.names} onInput={(e) => set({ names: e.currentTarget.value })} aria-describedby={describedBy(`${id}-names`)} />
      </Field>
      <Field id={`${id}-metric`} label={t('ruleGroups.builder.metric')}>
        <Choice id={`${id}-metric`} label={t('ruleGroups.builder.metric')} value={form.metric} options={metricPaths(kind)} onChange={(value) => set({ metric: value })} />
      </Field>
      <div class="level-row">
        <Choice id={`${id}-comparator`} label={t('ruleGroups.comparator')} value={form.comparator} options={BUILDER_COMPARATORS} onChange={(value) => set({ comparator: value })} />
        <input id={`${id}-threshold`} aria-label={t('ruleGroups.threshold')} inputMode="decimal" value={form.threshold} onInput={(e) => set({ threshold: e.currentTarget.value })} aria-describedby={`${id}-error`} />
      </div>
      <FieldErrors error={error} field={field} id={`${id}-error`} />
    </fieldset>
  );
}

/** Severity levels as rows of comparator, threshold and severity; the API's messages about them are shown under the rows. */
export function LevelRows({ id, levels, onChange, error, field }: { id: string; levels: readonly LevelForm[]; onChange: (levels: LevelForm[]) => void; error: unknown; field: string }) {
  const { t } = useI18n();
  const setLevel = (index: number, patch: Partial<LevelForm>) => onChange(levels.map((level, i) => (i === index ? { ...level, ...patch } : level)));
  const unused = SEVERITIES.find((severity) => !levels.some((level) => level.severity === severity)) ?? 'info';
  return (
    <div class="field levels" id={id} role="group" aria-label={t('ruleGroups.levels')} aria-describedby={describedBy(id)}>
      <span class="label">{t('ruleGroups.levels')}</span>
      {levels.map((level, index) => (
        <div class="level-row" key={index} data-level={index}>
          <Choice id={`${id}-${index}-comparator`} label={t('ruleGroups.comparator')} value={level.comparator} options={COMPARATORS} onChange={(value) => setLevel(index, { comparator: value })} />
          <input id={`${id}-${index}-threshold`} aria-label={t('ruleGroups.threshold')} inputMode="decimal" value={level.threshold} onInput={(e) => setLevel(index, { threshold: e.currentTarget.value })} />
          <Choice id={`${id}-${index}-severity`} label={t('ruleGroups.severity')} value={level.severity} options={SEVERITIES} onChange={(value) => setLevel(index, { severity: value })} />
          <button type="button" aria-label={t('ruleGroups.removeLevel')} onClick={() => onChange(levels.filter((_, i) => i !== index))}>
            ×
          </button>
        </div>
      ))}
      <small id={`${id}-help`}>{t('ruleGroups.levelsHelp')}</small>
      <button type="button" onClick={() => onChange([...levels, newLevel(unused)])}>
        {t('ruleGroups.addLevel')}
      </button>
      <FieldErrors error={error} field={field} id={`${id}-error`} />
    </div>
  );
}
