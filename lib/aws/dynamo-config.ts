import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InhibitRule } from '../inhibit/rule.js';
import type { RoutingSource } from '../route/routing-source.js';
import type { AccountSettings, Router } from '../route/router.js';
import type { Silence } from '../silence/silence.js';
import type { Tenant, Workspace } from '../tenancy/tenant.js';
import type { ChannelConfig } from '../configs/channel-config.js';
import type { LanguagePack, TemplateSet } from '../notify/delivery-resources.js';
import { DynamoAccessIndex } from './dynamo-access-index.js';
import { DynamoFiringAlerts } from './dynamo-firing-alerts.js';
import { DynamoObjectStore } from './dynamo-object-store.js';
import { DynamoReceiverStore } from './dynamo-receiver-store.js';

/** Stored silences and inhibit rules carry a version like every config object. */
export type StoredSilence = Silence & { accountId: string; createdAt: string; updatedAt: string; version: number };
export type StoredInhibitRule = InhibitRule & { accountId: string; createdAt: string; updatedAt: string; version: number };

/** Every configuration store, over the config table (and the firing set in the state table). */
export function configStores(client: DynamoDBDocumentClient, tables: { config: string; state: string }) {
  return {
    receivers: new DynamoReceiverStore(client, tables.config),
    tenants: new DynamoObjectStore<Tenant>(client, tables.config, 'TENANT'),
    workspaces: new DynamoObjectStore<Workspace>(client, tables.config, 'WORKSPACE'),
    routers: new DynamoObjectStore<Router>(client, tables.config, 'ROUTER'),
    silences: new DynamoObjectStore<StoredSilence>(client, tables.config, 'SILENCE'),
    inhibitRules: new DynamoObjectStore<StoredInhibitRule>(client, tables.config, 'INHIBIT'),
    settings: new DynamoObjectStore<AccountSettings>(client, tables.config, 'SETTINGS'),
    configs: new DynamoObjectStore<ChannelConfig>(client, tables.config, 'CONFIG'),
    templateSets: new DynamoObjectStore<TemplateSet>(client, tables.config, 'TEMPLATESET'),
    languagePacks: new DynamoObjectStore<LanguagePack>(client, tables.config, 'LANGPACK'),
    access: new DynamoAccessIndex(client, tables.config),
    firing: new DynamoFiringAlerts(client, tables.state),
  };
}
export type ConfigStores = ReturnType<typeof configStores>;

/** Routing's reads, answered by the stores. */
export function dynamoRoutingSource(stores: ConfigStores): RoutingSource {
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
