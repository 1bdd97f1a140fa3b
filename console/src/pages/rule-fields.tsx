import { describedBy, Field, FieldErrors } from '../components.js';
import { useI18n } from '../i18n.js';
import type { NodeBuilder, RuleGroup, WorkloadBuilder } from '../types.js';

/**
 * The parts of a metric rule beyond its expression: KubeSphere's `exprBuilder`
 * and kubegems-style severity `levels`, as the form holds them (text as typed)
 * and as the API takes them (lib/metric-rules). Numbers the form cannot read
 * are sent as typed, so the API's message says what is wrong next to the field.
 */
type Rule = RuleGroup['rules'][number];
type ExprBuilder = NonNullable<Rule['exprBuilder']>;
export const COMPARATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
const BUILDER_COMPARATORS = ['>', '>=', '<', '<='] as const;
const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
const WORKLOAD_KINDS = ['deployment', 'statefulset', 'daemonset'] as const;

/** Each metric group's thresholds; tsc checks every group is listed and every metric is the API's. */
type Thresholds<T> = { [G in keyof T]-?: Array<keyof NonNullable<T[G]> & string> };
const WORKLOAD_METRICS: Thresholds<WorkloadBuilder['metricThreshold']> = {
  cpu: ['usage'],
  memory: ['usage', 'usageWoCache'],
  network: ['transmittedRate', 'receivedRate'],
  replica: ['unavailableRatio'],
};
const NODE_METRICS: Thresholds<Omit<NodeBuilder, 'names' | 'comparator'>> = {
  cpu: ['utilization', 'load1m', 'load5m', 'load15m'],
  memory: ['utilization', 'available'],
  network: ['transmittedRate', 'receivedRate'],
  disk: ['spaceUtilization', 'spaceAvailable', 'inodeUtilization', 'iopsRead', 'iopsWrite', 'throughputRead', 'throughputWrite'],
  pod: ['utilization', 'abnormalRatio'],
};
const metricPaths = (metrics: Record<string, string[]>) => Object.entries(metrics).flatMap(([group, names]) => names.map((name) => `${group}.${name}`));

/** `workload` in a namespace group, `node` in a cluster group; a global group has no builder. */
export type BuilderKind = 'workload' | 'node';
export const builderKindOf = (level: RuleGroup['level']): BuilderKind | undefined => (level === 'namespace' ? 'workload' : level === 'cluster' ? 'node' : undefined);

export interface BuilderForm {
  kind: string;
  names: string;
  comparator: string;
  /** `group.metric`, such as `cpu.usage`. */
  metric: string;
  threshold: string;
}
export interface LevelForm {
  comparator: string;
  threshold: string;
  severity: string;
}

export const newBuilder = (kind: BuilderKind): BuilderForm => ({ kind: 'deployment', names: '', comparator: '>', metric: metricPaths(kind === 'workload' ? WORKLOAD_METRICS : NODE_METRICS)[0]!, threshold: '' });
export const newLevel = (severity: string): LevelForm => ({ comparator: '>', threshold: '', severity });

/** The one `group.metric` a builder sets, and its threshold. */
function chosen(groups: Record<string, Record<string, number | undefined> | undefined>): { metric: string; threshold: string } {
  for (const [group, metrics] of Object.entries(groups)) {
    for (const [name, value] of Object.entries(metrics ?? {})) if (value !== undefined) return { metric: `${group}.${name}`, threshold: String(value) };
  }
  return { metric: '', threshold: '' };
}

export function builderFormOf(builder: ExprBuilder): BuilderForm {
  if ('workload' in builder) {
    const { kind, names, comparator, metricThreshold } = builder.workload;
    return { kind, names: names.join(', '), comparator, ...chosen(metricThreshold) };
  }
  const { names, comparator, ...groups } = builder.node;
  return { kind: '', names: names.join(', '), comparator, ...chosen(groups) };
}

const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

export function builderBodyOf(kind: BuilderKind, form: BuilderForm): Record<string, unknown> {
  const names = form.names.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const [group = '', metric = ''] = form.metric.split('.');
  const threshold = { [group]: { [metric]: numberOrText(form.threshold) } };
  if (kind === 'workload') return { workload: { kind: form.kind, names, comparator: form.comparator, metricThreshold: threshold } };
  return { node: { names, comparator: form.comparator, ...threshold } };
}

export const levelFormOf = (level: { comparator: string; threshold: number; severity: string }): LevelForm => ({ ...level, threshold: String(level.threshold) });
export const levelBodyOf = (level: LevelForm) => ({ comparator: level.comparator, threshold: numberOrText(level.threshold), severity: level.severity });

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
        <Choice id={`${id}-metric`} label={t('ruleGroups.builder.metric')} value={form.metric} options={metricPaths(kind === 'workload' ? WORKLOAD_METRICS : NODE_METRICS)} onChange={(value) => set({ metric: value })} />
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
