import { numberOrText } from './matcher-text.js';
import type { NodeBuilder, RuleGroup, WorkloadBuilder } from './types.js';

/**
 * The parts of a metric rule beyond its expression: KubeSphere's `exprBuilder`
 * and kubegems-style severity `levels`, as the form holds them (text as typed)
 * and as the API takes them (lib/metric-rules). Numbers the form cannot read
 * are sent as typed, so the API's message says what is wrong next to the field.
 */
type Rule = RuleGroup['rules'][number];
type ExprBuilder = NonNullable<Rule['exprBuilder']>;
export const COMPARATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export const BUILDER_COMPARATORS = ['>', '>=', '<', '<='] as const;
export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const WORKLOAD_KINDS = ['deployment', 'statefulset', 'daemonset'] as const;

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
const pathsOf = (metrics: Record<string, string[]>) => Object.entries(metrics).flatMap(([group, names]) => names.map((name) => `${group}.${name}`));

/** The builder's metrics, as `group.metric`. */
export const metricPaths = (kind: BuilderKind): string[] => pathsOf(kind === 'workload' ? WORKLOAD_METRICS : NODE_METRICS);

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

export const newBuilder = (kind: BuilderKind): BuilderForm => ({ kind: 'deployment', names: '', comparator: '>', metric: metricPaths(kind)[0]!, threshold: '' });
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

export function builderBodyOf(kind: BuilderKind, form: BuilderForm): Record<string, unknown> {
  const names = form.names.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const [group = '', metric = ''] = form.metric.split('.');
  const threshold = { [group]: { [metric]: numberOrText(form.threshold) } };
  if (kind === 'workload') return { workload: { kind: form.kind, names, comparator: form.comparator, metricThreshold: threshold } };
  return { node: { names, comparator: form.comparator, ...threshold } };
}

export const levelFormOf = (level: { comparator: string; threshold: number; severity: string }): LevelForm => ({ ...level, threshold: String(level.threshold) });
export const levelBodyOf = (level: LevelForm) => ({ comparator: level.comparator, threshold: numberOrText(level.threshold), severity: level.severity });


/** A rule's `for` and `keep_firing_for` as typed: Prometheus durations, empty when unset. */
export interface DurationsForm {
  for: string;
  keepFiringFor: string;
}

export const durationsFormOf = (rule: Pick<Rule, 'for' | 'keep_firing_for'>): DurationsForm => ({ for: rule.for ?? '', keepFiringFor: rule.keep_firing_for ?? '' });

/** The durations a rule's body carries: an empty one is left out (none), any other is sent as typed for the API to judge. */
export function durationsBodyOf(form: DurationsForm): Pick<Rule, 'for' | 'keep_firing_for'> {
  const [pending, keepFiring] = [form.for.trim(), form.keepFiringFor.trim()];
  return { ...(pending === '' ? {} : { for: pending }), ...(keepFiring === '' ? {} : { keep_firing_for: keepFiring }) };
}
