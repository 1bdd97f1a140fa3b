import type { Alert } from '../alert/alert.js';
import { enqueueAlerts } from '../ingest/ingest-alerts.js';
import type { SignalBatchMessage } from '../ingest/signal-messages.js';
import { withLazyModules } from '../pipeline/lazy-module.js';
import type { QueuePublisher } from '../pipeline/queue.js';
import { compileRuleSet, evaluateSignal, type CompiledRuleSet, type NamespaceAccess, type RuleDefinitions } from '../rules/rule-set.js';
import { defaultAuditRules, defaultDefinitions, defaultEventRules } from '../rules/default-rules.js';
import { mergeDefinitions } from '../rules/definitions.js';
import type { RuleSpec } from '../rules/rule.js';
import type { AccessEntry } from '../tenancy/tenant.js';
import type { StoredDefinitions, StoredRule } from './rule-config.js';

/** What the filter reads per account; each a query of one partition. */
export interface RuleConfigSource {
  rules(accountId: string): Promise<StoredRule[]>;
  definitions(accountId: string): Promise<StoredDefinitions[]>;
  /** Whether the shipped default rules apply to the account (default true). */
  defaultRulesEnabled(accountId: string): Promise<boolean>;
  access(accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]>;
}

/**
 * The account's rules as evaluation sees them: the shipped defaults (unless
 * turned off; a stored global rule of the same name replaces a default) and
 * every stored rule, with the operator's and each tenant's definitions.
 */
export function ruleSetInputs(stored: readonly StoredRule[], definitions: readonly StoredDefinitions[], defaultsOn: boolean) {
  const storedGlobalNames = new Set(stored.filter((r) => r.owner.type === 'global').map((r) => r.name));
  const defaults = defaultsOn ? [...defaultEventRules, ...defaultAuditRules].filter((r) => !storedGlobalNames.has(r.name)) : [];
  const specs: RuleSpec[] = [...defaults, ...stored.map(toSpec)];
  // The shipped macros (read-verbs, human-user, ...) are the base every account's definitions build on.
  const ruleDefinitions: RuleDefinitions = { global: defaultDefinitions, tenants: {} };
  for (const item of definitions) {
    const defs = { ...(item.lists ? { lists: item.lists } : {}), ...(item.macros ? { macros: item.macros } : {}), ...(item.aliases ? { aliases: item.aliases } : {}) };
    if (item.owner.kind === 'global') ruleDefinitions.global = mergeDefinitions(defaultDefinitions, defs);
    else (ruleDefinitions.tenants as Record<string, typeof defs>)[item.owner.tenantId] = defs;
  }
  return { specs, definitions: ruleDefinitions };
}

function toSpec(rule: StoredRule): RuleSpec {
  const { accountId: _a, createdAt: _c, updatedAt: _u, version: _v, ...spec } = rule;
  return spec;
}

/**
 * Compiles an account's rules once per change: the compiled set is kept
 * until the stored rules or definitions change (by version), so conditions
 * are never re-parsed per event.
 */
export class RuleSetCache {
  private readonly compiled = new Map<string, { key: string; set: CompiledRuleSet }>();

  async get(accountId: string, source: RuleConfigSource): Promise<CompiledRuleSet> {
    const [rules, definitions, defaultsOn] = await Promise.all([
      source.rules(accountId),
      source.definitions(accountId),
      source.defaultRulesEnabled(accountId),
    ]);
    const key = JSON.stringify([defaultsOn, rules.map((r) => [r.name, r.owner, r.version]), definitions.map((d) => [d.owner, d.version])]);
    const cached = this.compiled.get(accountId);
    if (cached?.key === key) return cached.set;
    const inputs = ruleSetInputs(rules, definitions, defaultsOn);
    const set = await withLazyModules(() => compileRuleSet(inputs.specs, inputs.definitions));
    this.compiled.set(accountId, { key, set });
    return set;
  }
}

/** Who may see each namespace of the batch, looked up once per namespace. */
export async function namespaceAccessFor(
  batch: SignalBatchMessage,
  source: RuleConfigSource,
): Promise<(namespace: string) => NamespaceAccess> {
  const namespaces = new Set(batch.signals.map((signal) => signal.namespace).filter((ns) => ns !== ''));
  const entries = new Map<string, AccessEntry[]>();
  await Promise.all([...namespaces].map(async (ns) => entries.set(ns, await source.access(batch.accountId, batch.clusterName, ns))));
  return (namespace) => {
    const found = entries.get(namespace) ?? [];
    const workspace = found.map((e) => (e.via.kind === 'workspace' ? e.via.workspace : undefined)).find((w) => w !== undefined);
    return { ...(workspace === undefined ? {} : { workspace }), tenants: new Set(found.map((e) => e.tenantId)) };
  };
}

/**
 * The filter stage: evaluates every signal of a batch against the account's
 * rules (tenant rules only ever see their tenants' namespaces) and queues the
 * alerts the matching rules produce for routing.
 */
export async function filterSignals(
  batch: SignalBatchMessage,
  deps: { source: RuleConfigSource; cache: RuleSetCache; queue: QueuePublisher; now: () => Date },
): Promise<Alert[]> {
  const [ruleSet, namespaceAccess] = await Promise.all([deps.cache.get(batch.accountId, deps.source), namespaceAccessFor(batch, deps.source)]);
  const now = deps.now();
  const context = { cluster: batch.clusterName, now, namespaceAccess };
  // Evaluation is pure (patterns met only now are compiled now), so it may run again once RE2 is loaded.
  const alerts = await withLazyModules(() => batch.signals.flatMap((signal) => evaluateSignal(ruleSet, signal.event, context)));
  await enqueueAlerts({ id: batch.clusterId, accountId: batch.accountId, name: batch.clusterName, tokens: [], createdAt: '' }, alerts, deps.queue, now);
  return alerts;
}
