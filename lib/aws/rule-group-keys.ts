import type { ObjectStore } from '../configs/config-stores.js';
import type { RuleGroupLevel, RuleGroupRef, RuleGroupStore, StoredRuleGroup } from '../metric-rules/rule-group.js';

/**
 * Rule groups in the config table under `RULEGROUP#`: `NS#<tenant>#<name>`
 * for a tenant's namespace groups (one prefix per tenant, so deleting a
 * tenant finds them with one query), `CLUSTER#<name>` and `GLOBAL#<name>`.
 */
export function ruleGroupId(ref: RuleGroupRef): string {
  return `${levelPrefix(ref.level, ref.level === 'namespace' ? ref.tenantId : undefined)}${ref.name}`;
}

function levelPrefix(level: RuleGroupLevel, tenantId: string | undefined): string {
  if (level === 'namespace') return tenantId === undefined ? 'NS#' : `NS#${tenantId}#`;
  return level === 'cluster' ? 'CLUSTER#' : 'GLOBAL#';
}

/** A RuleGroupStore over any object store of the config table's shape (DynamoDB, or memory in tests). */
export function ruleGroupStore(objects: ObjectStore<StoredRuleGroup>): RuleGroupStore {
  return {
    get: (accountId, ref) => objects.get(accountId, ruleGroupId(ref)),
    list: (accountId, filter) => objects.all(accountId, filter === undefined ? '' : levelPrefix(filter.level, filter.tenantId)),
    put: (accountId, group, expectedVersion) => objects.put(accountId, ruleGroupId(group.level === 'namespace' ? { level: 'namespace', tenantId: group.tenantId, name: group.name } : { level: group.level, name: group.name }), group, expectedVersion),
    delete: (accountId, ref, expectedVersion) => objects.delete(accountId, ruleGroupId(ref), expectedVersion),
  };
}
