import type { Definitions } from '../rules/definitions.js';
import type { RuleSpec } from '../rules/rule.js';
import type { Owner } from '../tenancy/owner.js';

/** A stored rule: the spec plus bookkeeping. */
export type StoredRule = RuleSpec & { accountId: string; createdAt: string; updatedAt: string; version: number };

/** Lists, macros and aliases of one owner (the operator's, or one tenant's). */
export type StoredDefinitions = Definitions & { accountId: string; owner: Owner; version: number };

