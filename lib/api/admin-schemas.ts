import * as z from 'zod';
import { resolveGroupingOptions } from '../aggregate/grouping-options.js';
import { labelSetSchema } from '../alert/alert-schema.js';
import type { ChannelConfig } from '../configs/channel-config.js';
import type { Cluster } from '../clusters/cluster.js';
import { keyPartSchema } from '../http/path-parameters.js';
import { receiverRefSchema } from '../pipeline/messages.js';
import type { AccountSettings } from '../route/router.js';
import { languageCodeSchema, languagePackSchema } from '../templates/language-packs.js';
import { nameSchema } from './api-types.js';
import { groupingSchema, groupingView, groupingViewSchema, ownGroupingView, ownGroupingViewSchema, selectorSchema, templatesSchema } from './receivers-api.js';
import { matcherViewSchema, muteScopeSchema, strictMatcherSchema } from './silences-api.js';

/*
 * Request bodies and answers of the admin API's own objects (clusters,
 * settings, configs, template sets, language packs, inhibit rules, routers,
 * history, explain): what routes parse with and views are typed by, and what
 * the OpenAPI document is generated from.
 */

const timestamp = z.string();
const version = z.number().int();

// Clusters ------------------------------------------------------------------
export const clusterBodySchema = z.strictObject({ name: nameSchema });
export const tokenRotationBodySchema = z.strictObject({ overlap: z.string().default('24h') });

/** A cluster as the API shows it: token ids and dates, never tokens or their hashes. */
export const clusterViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  accountId: z.string(),
  createdAt: timestamp,
  tokens: z.array(z.strictObject({ id: z.string().nullable(), createdAt: timestamp, expiresAt: timestamp.optional(), live: z.boolean() })),
  signedRequests: z.boolean(),
  ingestUrl: z.string(),
});
export type ClusterView = z.infer<typeof clusterViewSchema>;

/** A cluster with a new token: the only answer that holds the token. */
export const clusterWithTokenSchema = clusterViewSchema.extend({ token: z.string() });

export const signingSecretSchema = z.strictObject({ secret: z.string(), header: z.string(), timestampHeader: z.string() });

export function clusterView(cluster: Cluster, publicUrl: string): ClusterView {
  const now = Date.now();
  return {
    id: cluster.id,
    name: cluster.name,
    accountId: cluster.accountId,
    createdAt: cluster.createdAt,
    tokens: cluster.tokens.map((t) => ({
      id: t.id ?? null,
      createdAt: t.createdAt,
      ...(t.expiresAt === undefined ? {} : { expiresAt: t.expiresAt }),
      live: t.expiresAt === undefined || Date.parse(t.expiresAt) > now,
    })),
    signedRequests: (cluster.signingSecrets?.length ?? 0) > 0,
    ingestUrl: `${publicUrl.replace(/\/$/, '')}/ingest/${cluster.id}`,
  };
}

// Settings ------------------------------------------------------------------
export const settingsBodySchema = z.strictObject({
  routePolicy: z.enum(['All', 'RouterFirst', 'RouterOnly']).default('All'),
  defaultRules: z.boolean().default(true),
  grouping: groupingSchema.optional(),
  historyRetentionDays: z.number().int().min(1).max(3650).optional(),
});

export const settingsViewSchema = z.strictObject({
  routePolicy: z.enum(['All', 'RouterFirst', 'RouterOnly']),
  defaultRules: z.boolean(),
  grouping: groupingViewSchema,
  ownGrouping: ownGroupingViewSchema,
  historyRetentionDays: z.number().int().optional(),
  version,
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

/**
 * Settings as the API shows them, written or not: `grouping` as receivers
 * inherit it (over Alertmanager's defaults), `ownGrouping` what the account
 * sets; durations as strings, as receivers show them.
 */
export function settingsView(settings: AccountSettings | undefined): SettingsView {
  return {
    routePolicy: settings?.routePolicy ?? 'All',
    defaultRules: settings?.defaultRules !== false,
    grouping: groupingView(resolveGroupingOptions(settings?.grouping)),
    ownGrouping: ownGroupingView(settings?.grouping),
    ...(settings?.historyRetentionDays === undefined ? {} : { historyRetentionDays: settings.historyRetentionDays }),
    version: settings?.version ?? 0,
  };
}

// Configs -------------------------------------------------------------------
export const configBodySchema = z.strictObject({ channel: z.string().min(1), labels: z.record(z.string(), z.string()).default({}), settings: z.record(z.string(), z.unknown()) });

/** A config as the API shows it: which settings it holds, never their values. */
export const configViewSchema = z.strictObject({
  name: z.string(),
  tenant: z.string().optional(),
  channel: z.string(),
  labels: z.record(z.string(), z.string()),
  settings: z.record(z.string(), z.literal('<secret>')),
  version,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ConfigView = z.infer<typeof configViewSchema>;

export function configView(config: ChannelConfig): ConfigView {
  return {
    name: config.name,
    ...(config.tenantId === undefined ? {} : { tenant: config.tenantId }),
    channel: config.channel,
    labels: config.labels,
    settings: Object.fromEntries(config.settingNames.map((name) => [name, '<secret>' as const])),
    version: config.version,
    createdAt: config.createdAt,
    updatedAt: config.updatedAt,
  };
}

// Template sets and language packs -----------------------------------------
export const templateSetBodySchema = z.strictObject({ templates: templatesSchema });
export const templateSetSchema = z.strictObject({ accountId: z.string(), tenantId: z.string().optional(), name: z.string(), templates: templatesSchema, version });
export const languagePackBodySchema = z.strictObject({ dictionary: languagePackSchema });
export const languagePackViewSchema = z.strictObject({
  accountId: z.string(),
  tenantId: z.string().optional(),
  code: languageCodeSchema,
  dictionary: z.record(z.string(), z.string()),
  version,
});

// Inhibit rules -------------------------------------------------------------
export const inhibitRuleBodySchema = z.strictObject({
  sourceMatchers: z.array(z.union([z.string(), strictMatcherSchema])),
  targetMatchers: z.array(z.union([z.string(), strictMatcherSchema])),
  equal: z.array(z.string()).default([]),
});
export const inhibitRuleSchema = z.strictObject({
  id: z.string(),
  sourceMatchers: z.array(matcherViewSchema),
  targetMatchers: z.array(matcherViewSchema),
  equal: z.array(z.string()),
  scope: muteScopeSchema,
  accountId: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  version,
});

// Routers -------------------------------------------------------------------
export const routerBodySchema = z.strictObject({
  enabled: z.boolean().default(true),
  selector: selectorSchema.default({}),
  target: z
    .strictObject({
      receivers: z.array(z.string()).optional(),
      receiverPattern: z.string().optional(),
      channels: z.array(z.string()).optional(),
      tenants: z.array(nameSchema).optional(),
    })
    .refine((t) => Object.values(t).some((v) => v !== undefined), 'name receivers, a pattern, channels or tenants'),
});
export const routerSchema = z.strictObject({
  accountId: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  selector: selectorSchema,
  target: z.strictObject({
    receivers: z.array(z.string()).optional(),
    receiverPattern: z.string().optional(),
    channels: z.array(z.string()).optional(),
    tenants: z.array(z.string()).optional(),
  }),
  createdAt: timestamp,
  updatedAt: timestamp,
  version,
});

// Dead letters ----------------------------------------------------------------
export const replayBodySchema = z.strictObject({
  queue: z.enum(['signals', 'alerts', 'groups', 'delivery']).default('delivery'),
  receiver: z.string().optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  limit: z.number().int().min(1).max(10_000).default(1000),
});
export const replayResultSchema = z.strictObject({ replayed: z.number().int(), skipped: z.number().int() });

// History, alert paths, explain, test sends ----------------------------------
export const historyQuerySchema = z.object({
  receiver: keyPartSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  status: z.enum(['sent', 'failed', 'retrying']).optional(),
  channel: z.string().optional(),
  alertname: z.string().optional(),
});

const deliveryStatus = z.enum(['sent', 'failed', 'retrying']);
export const notificationRecordSchema = z.strictObject({
  notificationId: z.string(),
  receiver: receiverRefSchema.strict(),
  channel: z.string(),
  groupKey: z.string(),
  status: deliveryStatus,
  reason: z.string().optional(),
  httpStatus: z.number().int().optional(),
  attempts: z.number().int(),
  alertCount: z.number().int(),
  fingerprints: z.array(z.string()),
  alertnames: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
  latencyMs: z.number(),
  message: z.string().optional(),
});

const alertStatus = z.enum(['firing', 'resolved']);
const receiverOutcome = z.enum(['delivered', 'disabled', 'filtered', 'silenced', 'inhibited', 'unreached']);
const muteReasonSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('silence'), silenceIds: z.array(z.string()) }),
  z.strictObject({ kind: z.literal('inhibition'), ruleId: z.string(), sourceFingerprint: z.string() }),
]);
const receiverDecisionSchema = z.strictObject({
  receiver: z.string(),
  channel: z.string(),
  via: z.array(z.string()),
  outcome: receiverOutcome,
  detail: z.string().optional(),
  mute: muteReasonSchema.optional(),
});
const tenantReachSchema = z.strictObject({ tenantId: z.string(), via: z.string() });

/** One step of an alert's path. */
export const alertPathEntrySchema = z.discriminatedUnion('stage', [
  z.strictObject({ stage: z.literal('received'), at: timestamp, fingerprint: z.string(), status: alertStatus, cluster: z.string(), source: z.string() }),
  z.strictObject({
    stage: z.literal('routed'),
    at: timestamp,
    fingerprint: z.string(),
    alertname: z.string(),
    status: alertStatus,
    cluster: z.string(),
    source: z.string(),
    rule: z.string().optional(),
    receivedAt: timestamp.optional(),
    tenants: z.array(tenantReachSchema),
    routers: z.array(z.string()),
    receivers: z.array(receiverDecisionSchema.pick({ receiver: true, outcome: true, via: true, detail: true })),
  }),
  z.strictObject({ stage: z.enum(['silenced', 'inhibited']), at: timestamp, fingerprint: z.string(), status: alertStatus.optional(), receiver: z.string(), detail: z.string() }),
  z.strictObject({
    stage: z.literal('notified'),
    at: timestamp,
    fingerprint: z.string(),
    notificationId: z.string(),
    receiver: z.string(),
    channel: z.string(),
    status: deliveryStatus,
    reason: z.string().optional(),
  }),
]);

export const explainBodySchema = z.strictObject({ labels: labelSetSchema.refine((l) => Object.keys(l).length > 0, 'must not be empty') });
/** The operator's explain: every receiver, reached or not, and why. */
export const explainSchema = z.strictObject({
  fingerprint: z.string(),
  tenants: z.array(tenantReachSchema),
  routers: z.array(z.string()),
  receivers: z.array(receiverDecisionSchema),
});
/** A tenant's explain: only its own receivers. */
export const tenantExplainSchema = z.strictObject({ fingerprint: z.string(), visibleToTenant: z.boolean(), receivers: z.array(receiverDecisionSchema) });

/** What a test send did: the provider's status, or why it failed and whether a retry could help. */
export const testSendResultSchema = z.union([
  z.strictObject({ ok: z.literal(true), statusCode: z.number().int(), templateFallbacks: z.array(z.string()) }),
  z.strictObject({ ok: z.literal(false), error: z.string(), fields: z.array(z.string()).optional() }),
  z.strictObject({ ok: z.literal(false), error: z.string(), retryable: z.boolean(), statusCode: z.number().int().optional() }),
]);
export type TestSendResult = z.infer<typeof testSendResultSchema>;
