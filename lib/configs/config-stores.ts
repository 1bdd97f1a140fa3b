import type { Alert } from '../alert/alert.js';
import type { StoredDefinitions, StoredRule } from '../filter/rule-config.js';
import type { InhibitRule } from '../inhibit/rule.js';
import type { LanguagePack, TemplateSet } from '../notify/delivery-resources.js';
import type { ReceiverStore } from '../receivers/receiver.js';
import type { RoutingSource } from '../route/routing-source.js';
import type { AccountSettings, Router } from '../route/router.js';
import type { Silence } from '../silence/silence.js';
import type { RuleGroupStore } from '../metric-rules/rule-group.js';
import type { MetricsEndpointStore } from '../metric-rules/metrics-endpoint.js';
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
  page(accountId: string, options: { idPrefix?: string; limit: number; cursor?: string }): Promise<Page<T>>;
  /** Every object of the account, or those whose id starts with `idPrefix`. */
  all(accountId: string, idPrefix?: string): Promise<T[]>;
  put(accountId: string, id: string, object: T, expectedVersion: number, extra?: Record<string, unknown>): Promise<void>;
  delete(accountId: string, id: string, expectedVersion?: number): Promise<boolean>;
}

/** Stored silences and inhibit rules carry a version like every config object. */
export type StoredSilence = Silence & { accountId: string; createdAt: string; updatedAt: string; version: number };
export type StoredInhibitRule = InhibitRule & { accountId: string; createdAt: string; updatedAt: string; version: number };

/** An alert as the firing set keeps it. */
export type FiringAlert = Pick<Alert, 'labels' | 'annotations' | 'fingerprint' | 'status' | 'startsAt' | 'endsAt' | 'generatorURL'> & {
  updatedAt: string;
  /** The tenants that may see the alert, as routing found them: a tenant's inhibit rules use only these sources. */
  tenants?: string[];
};

/** The account's currently firing alerts: inhibition sources and Alertmanager's `GET /api/v2/alerts`. */
export interface FiringAlertStore {
  list(accountId: string): Promise<FiringAlert[]>;
  record(accountId: string, alerts: readonly Alert[], receivedAt: string, tenantsOf?: (alert: Alert) => string[]): Promise<void>;
}

/** The tenant item written in the access index's transaction, with its version condition. */
export interface TenantItemPut {
  Item: Record<string, unknown>;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** The tenant item deleted in the access index's transaction, with its version condition. */
export interface TenantItemDelete {
  Key: Record<string, unknown>;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Which tenants may see a namespace; rewritten together with the tenant item, so access never lags a revocation. */
export interface AccessIndex {
  tenantsOf(accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]>;
  /** Replaces `before` with `after`, with `alsoPut` (or `{}` for none) or `alsoDelete`, all or nothing. */
  replace(
    accountId: string,
    before: readonly AccessEntry[],
    after: readonly AccessEntry[],
    alsoPut: TenantItemPut | Record<string, never>,
    alsoDelete?: TenantItemDelete,
  ): Promise<void>;
}

/** Every configuration store, and the firing set. */
export interface ConfigStores {
  receivers: ReceiverStore;
  tenants: ObjectStore<Tenant>;
  workspaces: ObjectStore<Workspace>;
  routers: ObjectStore<Router>;
  silences: ObjectStore<StoredSilence>;
  inhibitRules: ObjectStore<StoredInhibitRule>;
  settings: ObjectStore<AccountSettings>;
  configs: ObjectStore<ChannelConfig>;
  templateSets: ObjectStore<TemplateSet>;
  languagePacks: ObjectStore<LanguagePack>;
  access: AccessIndex;
  firing: FiringAlertStore;
}

/** Event and audit rules, the definitions (lists, macros) they use, metric rule groups and where they are evaluated. */
export interface RuleStores {
  rules: ObjectStore<StoredRule>;
  definitions: ObjectStore<StoredDefinitions>;
  ruleGroups: RuleGroupStore;
  /** Where each cluster's series are queried for central evaluation. */
  metricsEndpoints: MetricsEndpointStore;
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
