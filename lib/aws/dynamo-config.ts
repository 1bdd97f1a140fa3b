import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConfigStores, RuleStores, StoredInhibitRule, StoredSilence } from '../configs/config-stores.js';
import type { StoredRule } from '../filter/rule-config.js';
import type { AccountSettings, Router } from '../route/router.js';
import type { Tenant, Workspace } from '../tenancy/tenant.js';
import type { ChannelConfig } from '../configs/channel-config.js';
import type { LanguagePack, TemplateSet } from '../notify/delivery-resources.js';
import { DynamoAccessIndex } from './dynamo-access-index.js';
import { DynamoFiringAlerts } from './dynamo-firing-alerts.js';
import { DynamoObjectStore } from './dynamo-object-store.js';
import { DynamoDefinitionsStore, DynamoOwnedObjectStore } from './dynamo-owned-store.js';
import { DynamoReceiverStore } from './dynamo-receiver-store.js';
import { ruleGroupStore } from './rule-group-keys.js';
import type { StoredRuleGroup } from '../metric-rules/rule-group.js';

/** Every configuration store, over the config table (and the firing set in the state table). */
export function configStores(client: DynamoDBDocumentClient, tables: { config: string; state: string }): ConfigStores {
  return {
    receivers: new DynamoReceiverStore(client, tables.config),
    tenants: new DynamoObjectStore<Tenant>(client, tables.config, 'TENANT'),
    workspaces: new DynamoObjectStore<Workspace>(client, tables.config, 'WORKSPACE'),
    routers: new DynamoObjectStore<Router>(client, tables.config, 'ROUTER'),
    silences: new DynamoObjectStore<StoredSilence>(client, tables.config, 'SILENCE'),
    inhibitRules: new DynamoOwnedObjectStore<StoredInhibitRule>(client, tables.config, 'INHIBIT'),
    settings: new DynamoObjectStore<AccountSettings>(client, tables.config, 'SETTINGS'),
    configs: new DynamoOwnedObjectStore<ChannelConfig>(client, tables.config, 'CONFIG'),
    templateSets: new DynamoOwnedObjectStore<TemplateSet>(client, tables.config, 'TEMPLATESET'),
    languagePacks: new DynamoOwnedObjectStore<LanguagePack>(client, tables.config, 'LANGPACK'),
    access: new DynamoAccessIndex(client, tables.config),
    firing: new DynamoFiringAlerts(client, tables.state),
  };
}

/** The config stores delivery reads, and only those: the tenancy and firing-set adapters stay out of deliver's bundle. */
export function deliveryStores(
  client: DynamoDBDocumentClient,
  table: string,
): Pick<ConfigStores, 'receivers' | 'settings' | 'configs' | 'templateSets' | 'languagePacks'> {
  return {
    receivers: new DynamoReceiverStore(client, table),
    settings: new DynamoObjectStore<AccountSettings>(client, table, 'SETTINGS'),
    configs: new DynamoOwnedObjectStore<ChannelConfig>(client, table, 'CONFIG'),
    templateSets: new DynamoOwnedObjectStore<TemplateSet>(client, table, 'TEMPLATESET'),
    languagePacks: new DynamoOwnedObjectStore<LanguagePack>(client, table, 'LANGPACK'),
  };
}

/** Rule, definition and metric rule group stores over the config table. */
export function ruleStores(client: DynamoDBDocumentClient, table: string): RuleStores {
  return {
    rules: new DynamoOwnedObjectStore<StoredRule>(client, table, 'RULE'),
    definitions: new DynamoDefinitionsStore(client, table),
    ruleGroups: ruleGroupStore(new DynamoObjectStore<StoredRuleGroup>(client, table, 'RULEGROUP')),
  };
}
