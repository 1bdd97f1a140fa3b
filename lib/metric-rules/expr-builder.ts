import * as z from 'zod';
import { escapeRegex, quote } from './promql-text.js';

/**
 * KubeSphere's `exprBuilder`: common thresholds on the recording rules its
 * monitoring stack ships (ks-prometheus), turned into an expression such as
 * `namespace:workload_cpu_usage:sum{workload="deployment:web"} > 0.8`.
 * Utilizations are ratios (0.8, not 80).
 */
const comparator = z.enum(['<', '<=', '>', '>=']);
const threshold = z.number().refine(Number.isFinite, 'must be a finite number');
const names = z.array(z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name')).min(1);

/** One metric per builder: the threshold's path picks it. */
function oneOf<S extends Record<string, z.ZodType>>(shape: S) {
  return z.strictObject(shape).refine((value) => Object.values(value).filter((v) => v !== undefined).length === 1, 'set exactly one threshold');
}

const WORKLOAD_METRICS = {
  'cpu.usage': 'namespace:workload_cpu_usage:sum',
  'memory.usage': 'namespace:workload_memory_usage:sum',
  'memory.usageWoCache': 'namespace:workload_memory_usage_wo_cache:sum',
  'network.transmittedRate': 'namespace:workload_net_bytes_transmitted:sum_irate',
  'network.receivedRate': 'namespace:workload_net_bytes_received:sum_irate',
} as const;

const NODE_METRICS = {
  'cpu.utilization': 'node:node_cpu_utilisation:avg1m',
  'cpu.load1m': 'node:load1:ratio',
  'cpu.load5m': 'node:load5:ratio',
  'cpu.load15m': 'node:load15:ratio',
  'memory.utilization': 'node:node_memory_utilisation:',
  'memory.available': 'node:node_memory_bytes_available:sum',
  'network.transmittedRate': 'node:node_net_bytes_transmitted:sum_irate',
  'network.receivedRate': 'node:node_net_bytes_received:sum_irate',
  'disk.spaceUtilization': 'node:disk_space_utilization:ratio',
  'disk.spaceAvailable': 'node:disk_space_available:',
  'disk.inodeUtilization': 'node:disk_inode_utilization:ratio',
  'disk.iopsRead': 'node:data_volume_iops_reads:sum',
  'disk.iopsWrite': 'node:data_volume_iops_writes:sum',
  'disk.throughputRead': 'node:data_volume_throughput_bytes_read:sum',
  'disk.throughputWrite': 'node:data_volume_throughput_bytes_written:sum',
  'pod.utilization': 'node:pod_utilization:ratio',
  'pod.abnormalRatio': 'node:pod_abnormal:ratio',
} as const;

const t = threshold.optional();
export const workloadBuilderSchema = z.strictObject({
  kind: z.enum(['deployment', 'statefulset', 'daemonset']),
  names,
  comparator,
  metricThreshold: oneOf({
    cpu: oneOf({ usage: t }).optional(),
    memory: oneOf({ usage: t, usageWoCache: t }).optional(),
    network: oneOf({ transmittedRate: t, receivedRate: t }).optional(),
    replica: oneOf({ unavailableRatio: t }).optional(),
  }),
});

export const nodeBuilderSchema = z
  .strictObject({
    names,
    comparator,
    cpu: oneOf({ utilization: t, load1m: t, load5m: t, load15m: t }).optional(),
    memory: oneOf({ utilization: t, available: t }).optional(),
    network: oneOf({ transmittedRate: t, receivedRate: t }).optional(),
    disk: oneOf({ spaceUtilization: t, spaceAvailable: t, inodeUtilization: t, iopsRead: t, iopsWrite: t, throughputRead: t, throughputWrite: t }).optional(),
    pod: oneOf({ utilization: t, abnormalRatio: t }).optional(),
  })
  .refine((b) => [b.cpu, b.memory, b.network, b.disk, b.pod].filter((v) => v !== undefined).length === 1, 'set exactly one of cpu, memory, network, disk, pod');

export type WorkloadBuilder = z.infer<typeof workloadBuilderSchema>;
export type NodeBuilder = z.infer<typeof nodeBuilderSchema>;

/** The one `group.metric: threshold` a builder sets. */
function chosen(groups: Record<string, Record<string, number | undefined> | undefined>): { path: string; threshold: number } {
  for (const [group, metrics] of Object.entries(groups)) {
    for (const [metric, value] of Object.entries(metrics ?? {})) if (value !== undefined) return { path: `${group}.${metric}`, threshold: value };
  }
  throw new Error('a validated builder sets one threshold');
}

/** `label="v"` for one value, `label=~"(a|b)"` for several, each value escaped. */
function nameMatcher(label: string, values: readonly string[]): string {
  return values.length === 1 ? `${label}=${quote(values[0]!)}` : `${label}=~${quote(`(${values.map(escapeRegex).join('|')})`)}`;
}

/** PromQL for a number: plain decimals, no exponent surprises for typical thresholds. */
function formatNumber(value: number): string {
  return String(value);
}

export function workloadExpr(builder: WorkloadBuilder): string {
  const { path, threshold: value } = chosen(builder.metricThreshold);
  const metric = path === 'replica.unavailableRatio' ? `namespace:${builder.kind}_unavailable_replicas:ratio` : WORKLOAD_METRICS[path as keyof typeof WORKLOAD_METRICS];
  const workloads = builder.names.map((name) => `${builder.kind}:${name}`);
  const matcher = workloads.length === 1 ? nameMatcher('workload', workloads) : `workload=~${quote(`${builder.kind}:(${builder.names.map(escapeRegex).join('|')})`)}`;
  return `${metric}{${matcher}} ${builder.comparator} ${formatNumber(value)}`;
}

export function nodeExpr(builder: NodeBuilder): string {
  const { path, threshold: value } = chosen({ cpu: builder.cpu, memory: builder.memory, network: builder.network, disk: builder.disk, pod: builder.pod });
  return `${NODE_METRICS[path as keyof typeof NODE_METRICS]}{${nameMatcher('node', builder.names)}} ${builder.comparator} ${formatNumber(value)}`;
}
