import type { Definitions } from '../rules/definitions.js';
import type { RuleSpec } from '../rules/rule.js';

/** A stored rule: the spec plus bookkeeping. */
export type StoredRule = RuleSpec & { accountId: string; createdAt: string; updatedAt: string; version: number };

/** Lists, macros and aliases of one owner (the operator's, or one tenant's). */
export type StoredDefinitions = Definitions & { accountId: string; owner: string; version: number };

/** A rule's id within its account: `GLOBAL#<name>` or `TENANT#<tenant>#<name>`. */
export function ruleId(owner: RuleSpec['owner'], name: string): string {
  return owner.type === 'global' ? `GLOBAL#${name}` : `TENANT#${owner.tenantId}#${name}`;
}

/** The definitions item of an owner. */
export function definitionsId(tenantId: string | undefined): string {
  return tenantId === undefined ? 'GLOBAL' : `TENANT#${tenantId}`;
}
