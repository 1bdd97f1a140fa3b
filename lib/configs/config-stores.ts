import type { Alert, NotifiedAlert } from '../alert/alert.js';
import type { StoredDefinitions, StoredRule } from '../filter/rule-config.js';
import type { InhibitRule } from '../inhibit/rule.js';
import type { LanguagePack, TemplateSet } from '../notify/delivery-resources.js';
import type { ReceiverStore } from '../receivers/receiver.js';
import type { RoutingSource } from '../route/routing-source.js';
import type { AccountSettings, Router } from '../route/router.js';
import type { Silence } from '../silence/silence.js';
import type { Owner } from '../tenancy/owner.js';
import type { RuleGroupStore } from '../metric-rules/rule-group.js';
import type { AccessEntry, Tenant, Workspace } from '../tenancy/tenant.js';
import type { ChannelConfig } from './channel-config.js';

/** A stored object: versioned so updates can be conditional. */
export interface Versioned {
  version: number;
}

/** One page of a listing; `cursor` fetches the next. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** Objects of one kind by account and id, with optimistic concurrency on `version`. */
export interface ObjectStore<T extends Versioned> {
  get(accountId: string, id: string): Promise<T | undefined>;
  page(accountId: string, options: { limit: number; cursor?: string }): Promise<Page<T>>;
  /** Every object of the kind in the account, or those whose id starts with `idPrefix` (an adapter's key format). */
  all(accountId: string, idPrefix?: string): Promise<T[]>;
  /** Creates or replaces; `expectedVersion` 0 means "must not exist yet". */
  put(accountId: string, id: string, object: T, expectedVersion: number): Promise<void>;
  delete(accountId: string, id: string, expectedVersion?: number): Promise<boolean>;
}

/**
 * Objects of one kind that belong to an owner (the operator or one tenant) and
 * are named within it: configs, template sets, language packs, rules, inhibit
 * rules. Two owners may use the same name.
 */
export interface OwnedObjectStore<T extends Versioned> {
  get(accountId: string, owner: Owner, name: string): Promise<T | undefined>;
  /** The owner's objects; every owner's when `owner` is omitted. */
  all(accountId: string, owner?: Owner): Promise<T[]>;
  /** Creates or replaces; `expectedVersion` 0 means "must not exist yet". */
  put(accountId: string, owner: Owner, name: string, object: T, expectedVersion: number): Promise<void>;
  delete(accountId: string, owner: Owner, name: string, expectedVersion?: number): Promise<boolean>;
}

/** Lists, macros and aliases: one item per owner. */
export interface DefinitionsStore {
  get(accountId: string, owner: Owner): Promise<StoredDefinitions | undefined>;
  /** Every owner's definitions of the account. */
  all(accountId: string): Promise<StoredDefinitions[]>;
  /** Creates or replaces `definitions.owner`'s item; `expectedVersion` 0 means "must not exist yet". */
  put(definitions: StoredDefinitions, expectedVersion: number): Promise<void>;
  delete(accountId: string, owner: Owner): Promise<boolean>;
}

/** Stored silences and inhibit rules carry a version like every config object. */
export type StoredSilence = Silence & { accountId: string; createdAt: string; updatedAt: string; version: number };
export type StoredInhibitRule = InhibitRule & { accountId: string; createdAt: string; updatedAt: string; version: number };

/** An alert as the firing set keeps it. */
export type FiringAlert = NotifiedAlert & {
  updatedAt: string;
  /** The tenants that may see the alert, as routing found them: a tenant's inhibit rules use only these sources. */
  tenants?: string[];
};

/**
 * The firing set remembers an alert for at most a day after its last update:
 * webhook senders give no end and resend at their repeat interval (4 h by
 * default). The same bound on resolutions guarantees that a resolution always
 * outlives the older firing updates it hides. Alertmanager's API shows an
 * alert without an end as ending then.
 */
export const FIRING_MEMORY_MS = 86_400_000;

/** The account's currently firing alerts: inhibition sources and Alertmanager's `GET /api/v2/alerts`. */
export interface FiringAlertStore {
  list(accountId: string): Promise<FiringAlert[]>;
  record(accountId: string, alerts: readonly Alert[], receivedAt: string, tenantsOf?: (alert: Alert) => string[]): Promise<void>;
}

/** The tenant written (if stored at `expectedVersion`, 0 for a new one) or deleted (if still at its version) in the access index's transaction. */
export type TenantChange = { put: Tenant; expectedVersion: number } | { delete: Tenant };

/** Which tenants may see a namespace; rewritten together with the tenant item, so access never lags a revocation. */
export interface AccessIndex {
  tenantsOf(accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]>;
  /** Replaces `before` with `after`, together with the tenant's own change when given, all or nothing. */
  replace(accountId: string, before: readonly AccessEntry[], after: readonly AccessEntry[], tenant?: TenantChange): Promise<void>;
}

/** Every configuration store, and the firing set. */
export interface ConfigStores {
  receivers: ReceiverStore;
  tenants: ObjectStore<Tenant>;
  workspaces: ObjectStore<Workspace>;
  routers: ObjectStore<Router>;
  silences: ObjectStore<StoredSilence>;
  inhibitRules: OwnedObjectStore<StoredInhibitRule>;
  settings: ObjectStore<AccountSettings>;
  configs: OwnedObjectStore<ChannelConfig>;
  templateSets: OwnedObjectStore<TemplateSet>;
  languagePacks: OwnedObjectStore<LanguagePack>;
  access: AccessIndex;
  firing: FiringAlertStore;
}

/** Event and audit rules, the definitions (lists, macros) they use, metric rule groups and where they are evaluated. */
export interface RuleStores {
  rules: OwnedObjectStore<StoredRule>;
  definitions: DefinitionsStore;
  ruleGroups: RuleGroupStore;
}

/** Routing's reads, answered by the stores. */
export function storeRoutingSource(stores: ConfigStores): RoutingSource {
  return {
    settings: (accountId) => stores.settings.get(accountId, 'ACCOUNT'),
    globalReceivers: (accountId) => stores.receivers.listGlobal(accountId),
    tenantReceivers: (accountId, tenantId) => stores.receivers.listTenant(accountId, tenantId),
    access: (accountId, cluster, namespace) => stores.access.tenantsOf(accountId, cluster, namespace),
    routers: (accountId) => stores.routers.all(accountId),
    silences: (accountId) => stores.silences.all(accountId),
    inhibitRules: (accountId) => stores.inhibitRules.all(accountId),
    firingAlerts: (accountId) => stores.firing.list(accountId),
  };
}
