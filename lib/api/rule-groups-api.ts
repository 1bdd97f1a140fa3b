import { GLOBAL_OWNER, ownerOf, type Owner } from '../tenancy/owner.js';
import type { ConfigStores, RuleStores, StoredInhibitRule } from '../configs/config-stores.js';
import type { ClusterStore } from '../clusters/cluster.js';
import { InvalidPayloadError, type FieldIssue } from '../ingest/ingest-errors.js';
import { ExpressionError } from '../metric-rules/label-injection.js';
import {
  clusterGroupBodySchema,
  globalGroupBodySchema,
  namespaceGroupBodySchema,
  type RuleGroupDryRunReport,
  type RuleGroupRef,
  type StoredRuleGroup,
} from '../metric-rules/rule-group.js';
import { accessEntries, type Workspace } from '../tenancy/tenant.js';
import type { Cluster } from '../clusters/cluster.js';
import type { SecretSealer } from '../secrets/sealer.js';
import { authorizationOf, metricsEndpointBodySchema, metricsEndpointView, queryEndpointOf, sigV4Region, type MetricsEndpoint, type MetricsEndpointStore, type MetricsEndpointView, type RequestSignerFor } from '../metric-rules/metrics-endpoint.js';
import { expandRule, groupAppliesTo, levelInhibitRules } from '../metric-rules/effective-rules.js';
import { instantQuery, QueryFailedError } from '../metric-rules/prometheus-query.js';
import { parseRuleTemplate } from '../metric-rules/alert-templates.js';
import { TemplateError } from '../metric-rules/go-template.js';
import { DuplicateAlertLabelsError, evaluateAlertingRule } from '../metric-rules/alerting-state.js';
import { ForbiddenDestinationError, OutboundNetworkError, type OutboundHttp } from '../net/outbound-http.js';
import { parseDuration } from '../receivers/duration.js';
import { withLazyModules } from '../pipeline/lazy-module.js';
import { RateLimitedError, type OwnerRateLimiter } from '../ingest/rate-limit.js';
import type { RuleStateStore } from '../metric-rules/evaluate-cluster.js';
import { HttpError, notFound, parseWith } from './api-types.js';

/** What only the metric rule routes use (endpoints, evaluation state, dry-run limits, SigV4): loaded with the first of them, not at the API's cold start. */
export interface MetricRuleServices {
  metricsEndpoints: MetricsEndpointStore;
  /** The central evaluator's state, deleted with a cluster's metrics endpoint. */
  ruleStates: Pick<RuleStateStore, 'deleteCluster'>;
  /** Dry runs per tenant (or the operator) and minute: each queries a cluster's metrics endpoint. */
  dryRunLimiter: OwnerRateLimiter;
  /** SigV4 signing of queries to Amazon Managed Prometheus. */
  signerFor: RequestSignerFor;
}

export interface RuleGroupDependencies {
  rules: RuleStores;
  stores: Pick<ConfigStores, 'tenants' | 'workspaces' | 'inhibitRules'>;
  clusters: Pick<ClusterStore, 'listByAccount'>;
  now: () => Date;
}

/**
 * Creates or replaces a rule group of any level. Every rule is expanded and
 * its matchers injected now, as a cluster will get it, so a syntax error or
 * a matcher reaching outside the group's namespace answers 400 naming the
 * rule, and nothing unusable is stored. A namespace group must name a
 * namespace its tenant is bound to (directly or through a workspace); a
 * cluster group must name a cluster of the account. The inhibit rules the
 * levels need are written after the group, in the group's scope.
 */
export async function putRuleGroup(
  accountId: string,
  ref: RuleGroupRef,
  body: unknown,
  expectedVersion: number | undefined,
  deps: RuleGroupDependencies,
): Promise<StoredRuleGroup> {
  const current = await deps.rules.ruleGroups.get(accountId, ref);
  const version = expectedVersion ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const group = await validatedGroup(accountId, ref, body, deps, { createdAt: current?.createdAt ?? now, updatedAt: now, version: version + 1 });
  const inhibitRules = levelInhibitRules(group).map((rule) => ({ ...rule, key: rule.id }));
  const owner = inhibitOwner(group);
  group.inhibitRuleIds = inhibitRules.map((r) => r.key);
  await deps.rules.ruleGroups.put(accountId, group, version);

  const scope = group.level === 'namespace' ? { kind: 'tenant' as const, tenantId: group.tenantId } : { kind: 'global' as const };
  for (const rule of inhibitRules) {
    const existing = await deps.stores.inhibitRules.get(accountId, owner, rule.key);
    const stored: StoredInhibitRule = {
      id: rule.id,
      sourceMatchers: rule.sourceMatchers,
      targetMatchers: rule.targetMatchers,
      equal: rule.equal,
      scope,
      accountId,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      version: (existing?.version ?? 0) + 1,
    };
    await deps.stores.inhibitRules.put(accountId, owner, rule.key, stored, existing?.version ?? 0);
  }
  // Levels this version no longer has take their inhibit rules with them.
  for (const stale of (current?.inhibitRuleIds ?? []).filter((key) => !group.inhibitRuleIds.includes(key))) {
    await deps.stores.inhibitRules.delete(accountId, owner, stale);
  }
  return group;
}

/** A group from a request body, checked as a write checks it (schema, tenant binding or cluster, every rule expanded). */
async function validatedGroup(
  accountId: string,
  ref: RuleGroupRef,
  body: unknown,
  deps: RuleGroupDependencies,
  stamps: { createdAt: string; updatedAt: string; version: number },
): Promise<StoredRuleGroup> {
  const common = { accountId, name: ref.name, ...stamps, inhibitRuleIds: [] as string[] };
  let group: StoredRuleGroup;
  if (ref.level === 'namespace') {
    const request = parseWith(namespaceGroupBodySchema, body);
    await assertTenantBound(accountId, ref.tenantId, request.namespace, request.cluster, deps);
    group = { ...common, ...request, level: 'namespace', tenantId: ref.tenantId };
  } else if (ref.level === 'cluster') {
    const request = parseWith(clusterGroupBodySchema, body);
    if (!(await deps.clusters.listByAccount(accountId)).some((c) => c.name === request.cluster)) {
      throw new InvalidPayloadError('unknown cluster', [{ field: 'cluster', message: `no cluster named ${request.cluster} in this account` }]);
    }
    group = { ...common, ...request, level: 'cluster' };
  } else {
    group = { ...common, ...parseWith(globalGroupBodySchema, body), level: 'global' };
  }
  assertExpandable(group);
  assertTemplatesParse(group);
  return group;
}

/**
 * Evaluates a group's rules once, now, against a cluster's metrics endpoint,
 * without storing anything: for each rule the expression as it is run
 * (matchers injected, the cluster's too) and the alerts it would produce
 * (`pending` where a `for` would hold them back), or the query's error.
 * The body is a group as `PUT` takes it; `cluster` names the cluster to run
 * in (a cluster group's own by default). A namespace group's tenant must be
 * bound to its namespace in that cluster. A disabled group, and a disabled
 * rule, is run as if enabled, and the answer says it is disabled (nothing
 * of it is evaluated for real): the dry run is how one checks a group
 * before enabling it. Each tenant (and the operator) has its own budget
 * of dry runs a minute: each queries the cluster's endpoint.
 */
export async function dryRunRuleGroup(
  accountId: string,
  level: RuleGroupRef['level'],
  tenantId: string | undefined,
  body: unknown,
  clusterName: string | undefined,
  deps: RuleGroupDependencies & { clusters: Pick<ClusterStore, 'listByAccount'>; sealer: SecretSealer; http: OutboundHttp; services: MetricRuleServices },
): Promise<RuleGroupDryRunReport> {
  const now = deps.now();
  try {
    await deps.services.dryRunLimiter.take(accountId, ownerOf(tenantId), now);
  } catch (error) {
    if (error instanceof RateLimitedError) throw new HttpError(429, error.message, {}, { 'retry-after': String(error.retryAfterSeconds) });
    throw error;
  }
  const ref: RuleGroupRef = level === 'namespace' ? { level, tenantId: tenantId!, name: 'dry-run' } : { level, name: 'dry-run' };
  const written = await validatedGroup(accountId, ref, body, deps, { createdAt: now.toISOString(), updatedAt: now.toISOString(), version: 0 });
  const group = { ...written, enabled: true };
  const name = clusterName ?? (group.level === 'cluster' ? group.cluster : group.level === 'namespace' ? group.cluster : undefined);
  if (name === undefined) throw new InvalidPayloadError('which cluster?', [{ field: 'cluster', message: 'name the cluster to evaluate in (?cluster=<name>)' }]);
  const cluster = (await deps.clusters.listByAccount(accountId)).find((c) => c.name === name);
  if (cluster === undefined || !groupAppliesTo(group, name)) {
    throw new InvalidPayloadError('cluster not applicable', [{ field: 'cluster', message: `the group does not apply to a cluster named ${name} in this account` }]);
  }
  if (group.level === 'namespace') await assertTenantBound(accountId, group.tenantId, group.namespace, name, deps);
  const endpoint = await deps.services.metricsEndpoints.get(accountId, cluster.id);
  if (endpoint === undefined) throw new InvalidPayloadError('no metrics endpoint', [{ field: 'cluster', message: `cluster ${name} has no metrics endpoint to query` }]);
  const target = await queryEndpointOf(endpoint, (sealed) => deps.sealer.open(sealed), deps.services.signerFor);
  const settings = { externalLabels: endpoint.externalLabels, externalURL: '', intervalMs: 60_000, resendDelayMs: 60_000 };
  const site = { kind: 'shared-store' as const, clusters: [name] };
  const expanded = group.rules.flatMap((written) => expandRule(group, written, site).map((rule) => ({ rule, disabled: written.disable })));
  const rules = await Promise.all(
    expanded.map(async ({ rule, disabled }) => {
      const base = { alert: rule.alert, expr: rule.expr, severity: rule.labels.severity, ...(disabled ? { disabled: true as const } : {}) };
      try {
        const samples = await instantQuery(deps.http, target, rule.expr, now);
        const spec = { alert: rule.alert, expr: rule.expr, labels: rule.labels, annotations: rule.annotations ?? {}, forMs: rule.for === undefined ? 0 : parseDuration(rule.for), keepFiringForMs: 0 };
        const { alerts } = await withLazyModules(() => evaluateAlertingRule(spec, samples, {}, now.getTime(), settings));
        // One evaluation from no state: each alert is new, pending or (without `for`) firing already.
        const shown = Object.values(alerts).flatMap((a) => (a.state === 'inactive' ? [] : [{ labels: { ...a.labels, cluster: name }, annotations: a.annotations, value: a.value, state: a.state }]));
        return { ...base, alerts: shown };
      } catch (error) {
        if (error instanceof QueryFailedError || error instanceof DuplicateAlertLabelsError || error instanceof OutboundNetworkError || error instanceof ForbiddenDestinationError) {
          return { ...base, alerts: [], error: error.message };
        }
        throw error;
      }
    }),
  );
  const disabledRules = group.rules.filter((r) => r.disable).length;
  const notice = !written.enabled
    ? 'the group is disabled (enabled: false): no cluster evaluates it; shown is what its rules would produce if it were enabled'
    : disabledRules > 0
      ? `${disabledRules} of its rules ${disabledRules === 1 ? 'is' : 'are'} disabled (marked disabled: true): no cluster evaluates ${disabledRules === 1 ? 'it' : 'them'}; shown is what ${disabledRules === 1 ? 'it' : 'they'} would produce if enabled`
      : undefined;
  return { cluster: name, evaluatedAt: now.toISOString(), enabled: written.enabled, ...(notice === undefined ? {} : { notice }), rules };
}

/** Deletes a group and the inhibit rules made for its levels. */
export async function deleteRuleGroup(accountId: string, ref: RuleGroupRef, deps: Pick<RuleGroupDependencies, 'rules' | 'stores'>): Promise<void> {
  const current = await deps.rules.ruleGroups.get(accountId, ref);
  if (current === undefined || !(await deps.rules.ruleGroups.delete(accountId, ref, current.version))) throw notFound('rule group');
  for (const key of current.inhibitRuleIds) await deps.stores.inhibitRules.delete(accountId, inhibitOwner(current), key);
}

export async function getRuleGroup(accountId: string, ref: RuleGroupRef, deps: Pick<RuleGroupDependencies, 'rules'>): Promise<StoredRuleGroup> {
  const group = await deps.rules.ruleGroups.get(accountId, ref);
  if (group === undefined) throw notFound('rule group');
  return group;
}

/** Whose inhibit rules a group's levels are: its tenant's for a namespace group, else the operator's. */
function inhibitOwner(group: StoredRuleGroup): Owner {
  return group.level === 'namespace' ? { kind: 'tenant', tenantId: group.tenantId } : GLOBAL_OWNER;
}

/** A namespace group's tenant must see that namespace: in the named cluster, or in at least one when none is named. */
async function assertTenantBound(accountId: string, tenantId: string, namespace: string, cluster: string | undefined, deps: RuleGroupDependencies): Promise<void> {
  const tenant = await deps.stores.tenants.get(accountId, tenantId);
  if (tenant === undefined) throw notFound('tenant');
  const workspaces = await Promise.all(tenant.workspaces.map((name) => deps.stores.workspaces.get(accountId, name)));
  const entries = accessEntries(tenant, new Map(workspaces.filter((w): w is Workspace => w !== undefined).map((w) => [w.name, w])));
  if (!entries.some((e) => e.namespace === namespace && (cluster === undefined || e.cluster === cluster))) {
    throw new InvalidPayloadError('namespace not bound', [
      { field: 'namespace', message: `tenant ${tenantId} is not bound to namespace ${namespace}${cluster === undefined ? ' in any cluster' : ` in cluster ${cluster}`}` },
    ]);
  }
}

/** Expands every rule as a cluster would get it; each problem is a 400 naming the rule's field. */
function assertExpandable(group: StoredRuleGroup): void {
  const issues: FieldIssue[] = [];
  group.rules.forEach((rule, index) => {
    try {
      expandRule(group, rule, { kind: 'cluster', cluster: group.level === 'cluster' ? group.cluster : '' });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      issues.push({ field: `rules[${index}].${rule.expr === undefined ? 'exprBuilder' : 'expr'}`, message: error.message });
    }
  });
  if (issues.length > 0) throw new InvalidPayloadError('invalid rule expression', issues);
}

/** Parses every label and annotation template as Prometheus does when it loads the rule file (one that fails would stop the whole file). */
function assertTemplatesParse(group: StoredRuleGroup): void {
  const issues: FieldIssue[] = [];
  group.rules.forEach((rule, index) => {
    for (const [kind, templates] of [['labels', rule.labels], ['annotations', rule.annotations]] as const) {
      for (const [name, template] of Object.entries(templates)) {
        try {
          parseRuleTemplate(template);
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          issues.push({ field: `rules[${index}].${kind}.${name}`, message: `template does not parse: ${error.message}` });
        }
      }
    }
  });
  if (issues.length > 0) throw new InvalidPayloadError('invalid rule template', issues);
}

/**
 * Sets where a cluster's series are queried for central evaluation; from the
 * next scheduled run its rule groups are evaluated there. Credentials are
 * sealed like channel credentials and never shown again.
 */
export async function putMetricsEndpoint(
  cluster: Cluster,
  body: unknown,
  expectedVersion: number | undefined,
  deps: { services: MetricRuleServices; sealer: SecretSealer; now: () => Date },
): Promise<MetricsEndpointView> {
  const request = parseWith(metricsEndpointBodySchema, body);
  const current = await deps.services.metricsEndpoints.get(cluster.accountId, cluster.id);
  const version = expectedVersion ?? current?.version ?? 0;
  const authorization = authorizationOf(request);
  const endpoint: MetricsEndpoint = {
    accountId: cluster.accountId,
    clusterId: cluster.id,
    url: request.url,
    type: request.type,
    ...(request.orgId === undefined ? {} : { orgId: request.orgId }),
    ...(authorization === undefined ? {} : { sealedAuthorization: await deps.sealer.seal(authorization) }),
    ...(request.sigv4 === undefined ? {} : { sigv4: { region: sigV4Region(request.url, request.sigv4.region)! } }),
    externalLabels: request.externalLabels,
    resendDelay: request.resendDelay,
    evaluationInterval: request.evaluationInterval,
    updatedAt: deps.now().toISOString(),
    version: version + 1,
  };
  await deps.services.metricsEndpoints.put(endpoint, version);
  // A new endpoint starts from no state: what an evaluation still running at an earlier DELETE wrote is not continued.
  if (current === undefined) await deps.services.ruleStates.deleteCluster(cluster.accountId, cluster.id);
  return metricsEndpointView(endpoint);
}

/** Stops evaluating a cluster centrally: its endpoint and the evaluator's state of its groups are deleted. */
export async function deleteMetricsEndpoint(cluster: Cluster, services: MetricRuleServices): Promise<void> {
  if (!(await services.metricsEndpoints.delete(cluster.accountId, cluster.id))) throw notFound('metrics endpoint');
  await services.ruleStates.deleteCluster(cluster.accountId, cluster.id);
}

/** A cluster's metrics endpoint as the API shows it (credentials not shown). */
export async function getMetricsEndpoint(cluster: Cluster, services: MetricRuleServices): Promise<MetricsEndpointView> {
  const endpoint = await services.metricsEndpoints.get(cluster.accountId, cluster.id);
  if (endpoint === undefined) throw notFound('metrics endpoint');
  return metricsEndpointView(endpoint);
}
