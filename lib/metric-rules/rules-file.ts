import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { AccessEntry } from '../tenancy/tenant.js';
import { groupAppliesTo, prometheusGroup, type PrometheusRuleGroup } from './effective-rules.js';
import type { RuleGroupStore, StoredRuleGroup } from './rule-group.js';

/** What `GET /ingest/{cluster}/rules` answers. */
export interface RulesFileResponse {
  status: 200 | 304;
  body: string;
  contentType: string;
  etag: string;
}

export type RulesFileFormat = 'prometheus' | 'prometheusrule';

/** The reads the rules endpoint needs: the account's groups, and who may see a namespace now. */
export interface RulesFileSources {
  ruleGroups: Pick<RuleGroupStore, 'list'>;
  tenantsOf(accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]>;
}

/**
 * A cluster's effective rule groups: its cluster groups, the global groups
 * that select it, and the namespace groups of tenants that may see that
 * namespace in this cluster now (a revoked binding drops the group at the
 * next sync, as routing stops delivering). Sorted by name so that equal
 * contents give an equal file and ETag.
 */
export async function clusterRuleGroups(cluster: { accountId: string; name: string }, sources: RulesFileSources): Promise<PrometheusRuleGroup[]> {
  const candidates = (await sources.ruleGroups.list(cluster.accountId)).filter((group) => groupAppliesTo(group, cluster.name));
  const namespaces = [...new Set(candidates.flatMap((g) => (g.level === 'namespace' ? [g.namespace] : [])))];
  const access = new Map(
    await Promise.all(namespaces.map(async (ns) => [ns, new Set((await sources.tenantsOf(cluster.accountId, cluster.name, ns)).map((e) => e.tenantId))] as const)),
  );
  const allowed = (group: StoredRuleGroup) => group.level !== 'namespace' || access.get(group.namespace)?.has(group.tenantId) === true;
  return candidates
    .filter(allowed)
    .map((group) => prometheusGroup(group, { kind: 'cluster', cluster: cluster.name }))
    .filter((group) => group.rules.length > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The groups as a Prometheus rule file (`rule_files:`), or as a prometheus-operator PrometheusRule manifest. */
export function renderRulesFile(clusterName: string, groups: PrometheusRuleGroup[], format: RulesFileFormat): string {
  const file = { groups };
  if (format === 'prometheus') return stringify(file, { lineWidth: 0 });
  return stringify(
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `tidings-${clusterName.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`.slice(0, 253), labels: { 'app.kubernetes.io/managed-by': 'tidings' } },
      spec: file,
    },
    { lineWidth: 0 },
  );
}

/** Answers a rules request: the file with a strong ETag over its bytes, or 304 when `If-None-Match` names it. */
export async function serveRulesFile(
  cluster: { accountId: string; name: string },
  request: { format: RulesFileFormat; ifNoneMatch?: string },
  sources: RulesFileSources,
): Promise<RulesFileResponse> {
  const body = renderRulesFile(cluster.name, await clusterRuleGroups(cluster, sources), request.format);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const contentType = 'application/yaml; charset=utf-8';
  const presented = (request.ifNoneMatch ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (presented.includes(etag) || presented.includes('*')) return { status: 304, body: '', contentType, etag };
  return { status: 200, body, contentType, etag };
}
