import * as z from 'zod';
import { fingerprint } from '../alert/fingerprint.js';
import { CLUSTER_LABEL, ZERO_TIME, type Alert } from '../alert/alert.js';
import { storeRoutingSource, type ConfigStores, type RuleStores, type StoredInhibitRule } from '../configs/config-stores.js';
import { issueClusterToken, newClusterId, rotateTokens, type Cluster, type ClusterStore } from '../clusters/cluster.js';
import { parseDuration } from '../receivers/duration.js';
import { randomBytes } from 'node:crypto';
import type { HistoryStore } from '../history/notification-record.js';
import { InhibitRuleValidationError, validateInhibitRule } from '../inhibit/rule.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { ChannelError, type Channel, type ChannelContext } from '../notify/channel.js';
import { mergeConfigSettings, selectConfig, type ChannelConfig } from '../configs/channel-config.js';
import type { SecretSealer } from '../secrets/sealer.js';
import { keepStoredConfigSecrets } from '../secrets/kept-secrets.js';
import { alertPath, tenantView as tenantPathView, type AlertPathStore } from '../history/alert-path.js';
import type { ReplayFilter, ReplayResult } from '../pipeline/dead-letters.js';
import type { LanguagePack, TemplateSet } from '../notify/delivery-resources.js';
import { languageCodeSchema } from '../templates/language-packs.js';
import { decodePathParameter } from '../http/path-parameters.js';
import { compilePathPattern } from '../http/path-pattern.js';
import type { Receiver } from '../receivers/receiver.js';
import type { AccountSettings, Router } from '../route/router.js';
import { expireSilence } from '../silence/silence.js';
import { etag, HttpError, ifMatchVersion, notFound, ok, pageQuery, parseWith, pathName, unknownFields, type ApiRequest, type ApiResponse, type Principal } from './api-types.js';
// Parts only some requests need load with the first of them: the rule compiler and the shipped rules (about 40 KB),
// routing for explain, and the Alertmanager API for amtool and Grafana.
const rulesApi = () => import('./rules-api.js');
const shippedRules = () => import('../rules/default-rules.js');
const routing = () => Promise.all([import('../route/route-alerts.js'), import('../route/routing-source.js')]);
const alertmanagerV2 = () => import('./alertmanager-v2.js');
// The metric rule group use cases and metrics endpoints, with the PromQL parser.
const ruleGroupsApi = () => import('./rule-groups-api.js');
// The OpenAPI document imports every schema and view of the API, the lazily loaded ones included.
const openApi = () => import('./openapi.js');
// A test send's templates and config, as the deliver function prepares them.
const deliveryResources = () => import('../notify/delivery-resources.js');
import { ownerOf } from '../tenancy/owner.js';
import {
  clusterBodySchema,
  clusterView,
  configBodySchema,
  configView,
  explainBodySchema,
  historyQuerySchema,
  inhibitRuleBodySchema,
  languagePackBodySchema,
  replayBodySchema,
  routerBodySchema,
  settingsBodySchema,
  settingsView,
  templateSetBodySchema,
  tokenRotationBodySchema,
  type TestSendResult,
} from './admin-schemas.js';
import type { RuleGroupRef } from '../metric-rules/rule-group.js';
import type { MetricRuleServices } from './rule-groups-api.js';
import { mayAccess } from './principal.js';
import { putReceiver, receiverView, toReceiverGrouping, validSelector } from './receivers-api.js';
import { buildSilence, normalizeMatchers, silenceFieldsFromBody, silenceView } from './silences-api.js';
import { createTenantKey, deleteTenant, deleteWorkspace, existingTenant, putTenant, putWorkspace, revokeTenantKey, tenantView } from './tenants-api.js';

export interface ApiDependencies {
  stores: ConfigStores;
  paths: AlertPathStore;
  /** Moves one queue's dead letters back; undefined where the API has no queue access. */
  replay: (queue: 'signals' | 'alerts' | 'groups' | 'delivery', filter: ReplayFilter, limit: number) => Promise<ReplayResult>;
  rules: RuleStores;
  /** Metrics endpoints, evaluation state, dry-run limits and SigV4 signing, loaded by the metric rule routes. */
  metricRules: () => Promise<MetricRuleServices>;
  sealer: SecretSealer;
  /** For test sends through the real channel code. */
  channelContext: ChannelContext;
  clusters: ClusterStore;
  history: HistoryStore;
  channels: ReadonlyMap<string, Channel<unknown>>;
  now: () => Date;
  /** Base URL of the HTTP API, for ingest URLs. */
  publicUrl: string;
  startedAt: Date;
}

type Params = Record<string, string>;
type Handler = (params: Params, request: ApiRequest, deps: ApiDependencies) => Promise<ApiResponse>;

/** `operator`: the operator key only. `tenant`: the operator or the key of the tenant named in the path. */
type Access = 'operator' | 'tenant';

interface Route {
  method: string;
  pattern: string;
  access: Access;
  summary: string;
  handler: Handler;
}

const routes: Route[] = [];
const route = (method: string, pattern: string, access: Access, summary: string, handler: Handler) =>
  routes.push({ method, pattern, access, summary, handler });

/** A tenant's scope from the path: an optional `tenant` parameter, validated. */
function owner(params: Params): { accountId: string; tenantId?: string } {
  const accountId = pathName(params.account!, 'account');
  return params.tenant === undefined ? { accountId } : { accountId, tenantId: pathName(params.tenant, 'tenant') };
}

const A = '/v1/accounts/:account';
const T = `${A}/tenants/:tenant`;

// Clusters ------------------------------------------------------------------
route('POST', `${A}/clusters`, 'operator', 'Create a cluster; answers its ingest URL and token (shown once)', async (params, request, deps) => {
  const { accountId } = owner(params);
  const { name } = parseWith(clusterBodySchema, request.json());
  if ((await deps.clusters.listByAccount(accountId)).some((c) => c.name === name)) {
    throw new InvalidPayloadError('cluster name is taken', [{ field: 'name', message: `a cluster named ${name} already exists` }]);
  }
  const now = deps.now();
  const { token, stored } = issueClusterToken(now);
  const cluster: Cluster = { id: newClusterId(), accountId, name, tokens: [stored], createdAt: now.toISOString() };
  await deps.clusters.create(cluster);
  return { status: 201, body: { ...clusterView(cluster, deps.publicUrl), token } };
});
route('GET', `${A}/clusters`, 'operator', 'List clusters', async (params, _request, deps) =>
  ok({ items: (await deps.clusters.listByAccount(owner(params).accountId)).map((c) => clusterView(c, deps.publicUrl)) }),
);

async function ownedCluster(params: Params, deps: ApiDependencies): Promise<Cluster> {
  const cluster = await deps.clusters.get(params.cluster!);
  if (cluster === undefined || cluster.accountId !== owner(params).accountId) throw notFound('cluster');
  return cluster;
}

route('POST', `${A}/clusters/:cluster/tokens`, 'operator', 'Rotate: a new token (shown once); older tokens keep working for the overlap', async (params, request, deps) => {
  const cluster = await ownedCluster(params, deps);
  const { overlap } = parseWith(tokenRotationBodySchema, request.json());
  let overlapMs: number;
  try {
    overlapMs = parseDuration(overlap);
  } catch (error) {
    throw new InvalidPayloadError('invalid overlap', [{ field: 'overlap', message: (error as Error).message }]);
  }
  const rotated = rotateTokens(cluster, deps.now(), overlapMs);
  await deps.clusters.replace(rotated.cluster);
  return { status: 201, body: { ...clusterView(rotated.cluster, deps.publicUrl), token: rotated.token } };
});
route('DELETE', `${A}/clusters/:cluster/tokens/:token`, 'operator', 'Revoke one token at once', async (params, _request, deps) => {
  const cluster = await ownedCluster(params, deps);
  if (!cluster.tokens.some((t) => t.id === params.token)) throw notFound('token');
  const now = deps.now().toISOString();
  await deps.clusters.replace({ ...cluster, tokens: cluster.tokens.map((t) => (t.id === params.token ? { ...t, expiresAt: now } : t)) });
  return { status: 204 };
});
route('POST', `${A}/clusters/:cluster/signing-secrets`, 'operator', 'Require HMAC-signed requests; answers a new signing secret (shown once; up to 2 kept for rotation)', async (params, _request, deps) => {
  const cluster = await ownedCluster(params, deps);
  const secret = `tdgs_${randomBytes(32).toString('base64url')}`;
  const sealed = await deps.sealer.seal(secret);
  await deps.clusters.replace({ ...cluster, signingSecrets: [...(cluster.signingSecrets ?? []).slice(-1), sealed] });
  return { status: 201, body: { secret, header: 'X-Tidings-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">', timestampHeader: 'X-Tidings-Timestamp' } };
});
route('PUT', `${A}/clusters/:cluster/metrics-endpoint`, 'operator', "Evaluate the cluster's metric rule groups centrally, querying this Prometheus-compatible endpoint", async (params, request, deps) => {
  const endpoint = await (await ruleGroupsApi()).putMetricsEndpoint(await ownedCluster(params, deps), request.json(), ifMatchVersion(request), { ...deps, services: await deps.metricRules() });
  return { status: endpoint.version === 1 ? 201 : 200, body: endpoint, headers: etag(endpoint.version) };
});
route('GET', `${A}/clusters/:cluster/metrics-endpoint`, 'operator', "The cluster's metrics endpoint (credentials not shown)", async (params, _request, deps) => {
  const endpoint = await (await ruleGroupsApi()).getMetricsEndpoint(await ownedCluster(params, deps), await deps.metricRules());
  return ok(endpoint, etag(endpoint.version));
});
route('DELETE', `${A}/clusters/:cluster/metrics-endpoint`, 'operator', 'Stop evaluating the cluster centrally', async (params, _request, deps) => {
  await (await ruleGroupsApi()).deleteMetricsEndpoint(await ownedCluster(params, deps), await deps.metricRules());
  return { status: 204 };
});
route('DELETE', `${A}/clusters/:cluster/signing-secrets`, 'operator', 'Stop requiring signed requests', async (params, _request, deps) => {
  const cluster = await ownedCluster(params, deps);
  const { signingSecrets: _removed, ...rest } = cluster;
  await deps.clusters.replace(rest);
  return { status: 204 };
});

// Settings ------------------------------------------------------------------
/** The account's grouping defaults, which every receiver's grouping is resolved over, as routing does. */
async function accountGroupingOf(accountId: string, deps: ApiDependencies) {
  return (await deps.stores.settings.get(accountId, 'ACCOUNT'))?.grouping;
}

route('GET', `${A}/settings`, 'operator', 'Account settings (route policy, default rules, grouping defaults)', async (params, _request, deps) =>
  ok(settingsView(await deps.stores.settings.get(owner(params).accountId, 'ACCOUNT'))),
);
route('PUT', `${A}/settings`, 'operator', 'Replace account settings', async (params, request, deps) => {
  const { accountId } = owner(params);
  const body = parseWith(settingsBodySchema, request.json());
  const current = await deps.stores.settings.get(accountId, 'ACCOUNT');
  const version = ifMatchVersion(request) ?? current?.version ?? 0;
  const grouping = toReceiverGrouping(body.grouping);
  const settings: AccountSettings = {
    accountId,
    routePolicy: body.routePolicy,
    defaultRules: body.defaultRules,
    ...(grouping === undefined ? {} : { grouping }),
    ...(body.historyRetentionDays === undefined ? {} : { historyRetentionDays: body.historyRetentionDays }),
    version: version + 1,
  };
  await deps.stores.settings.put(accountId, 'ACCOUNT', settings, version);
  return ok(settingsView(settings), etag(settings.version));
});

// Tenants, keys and workspaces ---------------------------------------------
route('GET', `${A}/tenants`, 'operator', 'List tenants', async (params, request, deps) => {
  const page = await deps.stores.tenants.page(owner(params).accountId, pageQuery(request));
  return ok({ items: page.items.map(tenantView), ...(page.cursor ? { cursor: page.cursor } : {}) });
});
route('PUT', T, 'operator', 'Create or replace a tenant (bindings and workspaces)', async (params, request, deps) => {
  const { accountId, tenantId } = owner(params);
  const tenant = await putTenant(accountId, tenantId!, request.json(), ifMatchVersion(request), { stores: deps.stores, rules: deps.rules, now: deps.now });
  return { status: tenant.version === 1 ? 201 : 200, body: tenantView(tenant), headers: etag(tenant.version) };
});
route('GET', T, 'tenant', 'Get a tenant', async (params, _request, deps) => {
  const { accountId, tenantId } = owner(params);
  const tenant = await deps.stores.tenants.get(accountId, tenantId!);
  if (tenant === undefined) throw notFound('tenant');
  return ok(tenantView(tenant), etag(tenant.version));
});
route('DELETE', T, 'operator', 'Delete a tenant, its keys and access, and everything it owns', async (params, _request, deps) => {
  const { accountId, tenantId } = owner(params);
  if (!(await deleteTenant(accountId, tenantId!, { stores: deps.stores, rules: deps.rules }))) throw notFound('tenant');
  return { status: 204 };
});
route('POST', `${T}/keys`, 'operator', 'Issue a tenant API key (shown once)', async (params, _request, deps) => {
  const { accountId, tenantId } = owner(params);
  const key = await createTenantKey(accountId, tenantId!, { stores: deps.stores, now: deps.now });
  if (key === undefined) throw notFound('tenant');
  return { status: 201, body: key };
});
route('DELETE', `${T}/keys/:key`, 'operator', 'Revoke a tenant API key', async (params, _request, deps) => {
  const { accountId, tenantId } = owner(params);
  if (!(await revokeTenantKey(accountId, tenantId!, params.key!, { stores: deps.stores }))) throw notFound('key');
  return { status: 204 };
});
route('GET', `${A}/workspaces`, 'operator', 'List workspaces', async (params, request, deps) => {
  const page = await deps.stores.workspaces.page(owner(params).accountId, pageQuery(request));
  return ok(page);
});
route('PUT', `${A}/workspaces/:workspace`, 'operator', 'Create or replace a workspace', async (params, request, deps) => {
  const { accountId } = owner(params);
  const workspace = await putWorkspace(accountId, pathName(params.workspace!, 'workspace'), request.json(), ifMatchVersion(request), {
    stores: deps.stores,
    now: deps.now,
  });
  return { status: workspace.version === 1 ? 201 : 200, body: workspace, headers: etag(workspace.version) };
});
route('GET', `${A}/workspaces/:workspace`, 'operator', 'Get a workspace', async (params, _request, deps) => {
  const workspace = await deps.stores.workspaces.get(owner(params).accountId, params.workspace!);
  if (workspace === undefined) throw notFound('workspace');
  return ok(workspace, etag(workspace.version));
});
route('DELETE', `${A}/workspaces/:workspace`, 'operator', 'Delete a workspace', async (params, _request, deps) => {
  if (!(await deleteWorkspace(owner(params).accountId, params.workspace!, { stores: deps.stores }))) throw notFound('workspace');
  return { status: 204 };
});

// Receivers (global and per tenant) ----------------------------------------
for (const [base, access] of [[A, 'operator'], [T, 'tenant']] as const) {
  const scope = base === A ? 'global' : "a tenant's";
  route('GET', `${base}/receivers`, access, `List ${scope} receivers (secrets redacted)`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    const receivers = tenantId === undefined ? await deps.stores.receivers.listGlobal(accountId) : await deps.stores.receivers.listTenant(accountId, tenantId);
    const accountGrouping = await accountGroupingOf(accountId, deps);
    return ok({ items: receivers.map((r) => receiverView(r, deps.channels, accountGrouping)) });
  });
  route('PUT', `${base}/receivers/:name`, access, `Create or replace ${scope} receiver`, async (params, request, deps) => {
    const ref = owner(params);
    const receiver = await putReceiver(ref, pathName(params.name!, 'name'), request.json(), ifMatchVersion(request), {
      receivers: deps.stores.receivers,
      channels: deps.channels,
      now: deps.now,
      sealer: deps.sealer,
      settingsWithConfig: (draft) => settingsWithConfig(draft, deps),
    });
    const accountGrouping = await accountGroupingOf(ref.accountId, deps);
    return { status: receiver.version === 1 ? 201 : 200, body: receiverView(receiver, deps.channels, accountGrouping), headers: etag(receiver.version) };
  });
  route('GET', `${base}/receivers/:name`, access, `Get ${scope} receiver`, async (params, _request, deps) => {
    const receiver = await deps.stores.receivers.get({ ...owner(params), name: params.name! });
    if (receiver === undefined) throw notFound('receiver');
    return ok(receiverView(receiver, deps.channels, await accountGroupingOf(receiver.accountId, deps)), etag(receiver.version));
  });
  route('DELETE', `${base}/receivers/:name`, access, `Delete ${scope} receiver`, async (params, request, deps) => {
    if (!(await deps.stores.receivers.delete({ ...owner(params), name: params.name! }, ifMatchVersion(request)))) throw notFound('receiver');
    return { status: 204 };
  });

  route('POST', `${base}/receivers/:name/test`, access, `Send a sample notification through ${scope} receiver's real channel`, async (params, _request, deps) => {
    const receiver = await deps.stores.receivers.get({ ...owner(params), name: params.name! });
    if (receiver === undefined) throw notFound('receiver');
    return ok(await testSend(receiver, deps));
  });

  // Configs: channel credentials, sealed at rest, never shown again
  route('GET', `${base}/configs`, access, `List ${scope} channel configs (values never shown)`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    const configs = await deps.stores.configs.all(accountId, ownerOf(tenantId));
    return ok({ items: configs.map(configView) });
  });
  route('PUT', `${base}/configs/:name`, access, `Create or replace ${scope} channel config`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const name = pathName(params.name!, 'name');
    const body = parseWith(configBodySchema, request.json());
    const channel = deps.channels.get(body.channel);
    if (channel === undefined) {
      throw new InvalidPayloadError('unknown channel', [{ field: 'channel', message: `must be one of ${[...deps.channels.keys()].join(', ')}` }]);
    }
    const unknownSettings = unknownFields(channel.settingsSchema, body.settings, 'settings');
    if (unknownSettings.length > 0) throw new InvalidPayloadError('unknown settings for this channel', unknownSettings);
    const ref = { ...(tenantId === undefined ? {} : { tenantId }), name };
    const current = await deps.stores.configs.get(accountId, ownerOf(tenantId), name);
    const settings = await keepStoredConfigSecrets(body.settings, body.channel, current, deps.sealer);
    const version = ifMatchVersion(request) ?? current?.version ?? 0;
    const now = deps.now().toISOString();
    const config: ChannelConfig = {
      accountId,
      ...ref,
      channel: body.channel,
      labels: body.labels,
      sealedSettings: await deps.sealer.seal(JSON.stringify(settings)),
      settingNames: Object.keys(settings).sort(),
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      version: version + 1,
    };
    await deps.stores.configs.put(accountId, ownerOf(tenantId), name, config, version);
    return { status: config.version === 1 ? 201 : 200, body: configView(config), headers: etag(config.version) };
  });
  route('DELETE', `${base}/configs/:name`, access, `Delete ${scope} channel config`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    if (!(await deps.stores.configs.delete(accountId, ownerOf(tenantId), params.name!))) {
      throw notFound('config');
    }
    return { status: 204 };
  });

  // Template sets and language packs
  route('PUT', `${base}/template-sets/:name`, access, `Create or replace ${scope} template set (compiled on write)`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const name = pathName(params.name!, 'name');
    const body = parseWith(templateSetBodySchema, request.json());
    const current = await deps.stores.templateSets.get(accountId, ownerOf(tenantId), name);
    const version = ifMatchVersion(request) ?? current?.version ?? 0;
    const set: TemplateSet = { accountId, ...(tenantId === undefined ? {} : { tenantId }), name, templates: body.templates as TemplateSet['templates'], version: version + 1 };
    await deps.stores.templateSets.put(accountId, ownerOf(tenantId), name, set, version);
    return { status: set.version === 1 ? 201 : 200, body: set, headers: etag(set.version) };
  });
  route('GET', `${base}/template-sets`, access, `List ${scope} template sets`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    return ok({ items: await deps.stores.templateSets.all(accountId, ownerOf(tenantId)) });
  });
  route('DELETE', `${base}/template-sets/:name`, access, `Delete ${scope} template set`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    if (!(await deps.stores.templateSets.delete(accountId, ownerOf(tenantId), params.name!))) {
      throw notFound('template set');
    }
    return { status: 204 };
  });
  route('PUT', `${base}/language-packs/:code`, access, `Upload ${scope} language pack (a dictionary for the t helper)`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const { code } = parseWith(z.object({ code: languageCodeSchema }), { code: params.code });
    const body = parseWith(languagePackBodySchema, request.json());
    const current = await deps.stores.languagePacks.get(accountId, ownerOf(tenantId), code);
    const version = ifMatchVersion(request) ?? current?.version ?? 0;
    const pack: LanguagePack = { accountId, ...(tenantId === undefined ? {} : { tenantId }), code, dictionary: body.dictionary, version: version + 1 };
    await deps.stores.languagePacks.put(accountId, ownerOf(tenantId), code, pack, version);
    return { status: pack.version === 1 ? 201 : 200, body: pack, headers: etag(pack.version) };
  });
  route('GET', `${base}/language-packs`, access, `List ${scope} language packs`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    return ok({ items: await deps.stores.languagePacks.all(accountId, ownerOf(tenantId)) });
  });

  // Silences
  route('GET', `${base}/silences`, access, `List ${scope} silences`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const now = deps.now();
    const all = await deps.stores.silences.all(accountId);
    const mine = all.filter((s) => (tenantId === undefined ? s.scope.kind === 'global' : s.scope.kind === 'tenant' && s.scope.tenantId === tenantId));
    const { limit } = pageQuery(request);
    return ok({ items: mine.slice(0, limit).map((s) => silenceView(s, now)) });
  });
  route('POST', `${base}/silences`, access, `Create ${scope} silence`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const now = deps.now();
    const silence = buildSilence(silenceFieldsFromBody(request.json(), now), tenantId === undefined ? { kind: 'global' } : { kind: 'tenant', tenantId }, accountId, now);
    await deps.stores.silences.put(accountId, silence.id, silence, 0);
    return { status: 201, body: silenceView(silence, now), headers: etag(silence.version) };
  });
  route('GET', `${base}/silences/:id`, access, `Get ${scope} silence`, async (params, _request, deps) => {
    const silence = await ownedSilence(params, deps);
    return ok(silenceView(silence, deps.now()), etag(silence.version));
  });
  route('PUT', `${base}/silences/:id`, access, `Replace ${scope} silence`, async (params, request, deps) => {
    const current = await ownedSilence(params, deps);
    const now = deps.now();
    const expected = ifMatchVersion(request) ?? current.version;
    const silence = buildSilence({ ...silenceFieldsFromBody(request.json(), now), id: current.id }, current.scope, current.accountId, now, { ...current, version: expected });
    await deps.stores.silences.put(current.accountId, current.id, silence, expected);
    return ok(silenceView(silence, now), etag(silence.version));
  });
  route('DELETE', `${base}/silences/:id`, access, `Expire ${scope} silence (kept, as Alertmanager does)`, async (params, _request, deps) => {
    const current = await ownedSilence(params, deps);
    const now = deps.now();
    const expired = { ...expireSilence(current, now), updatedAt: now.toISOString(), version: current.version + 1 };
    await deps.stores.silences.put(current.accountId, current.id, expired, current.version);
    return ok(silenceView(expired, now));
  });

  // Inhibit rules
  route('GET', `${base}/inhibit-rules`, access, `List ${scope} inhibit rules`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    const rules = (await deps.stores.inhibitRules.all(accountId)).filter((r) =>
      tenantId === undefined ? r.scope.kind === 'global' : r.scope.kind === 'tenant' && r.scope.tenantId === tenantId,
    );
    return ok({ items: rules });
  });
  route('PUT', `${base}/inhibit-rules/:id`, access, `Create or replace ${scope} inhibit rule`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const id = pathName(params.id!, 'id');
    const body = parseWith(inhibitRuleBodySchema, request.json());
    const current = await deps.stores.inhibitRules.get(accountId, ownerOf(tenantId), id);
    if (current !== undefined && !sameScope(current.scope, tenantId)) throw notFound('inhibit rule');
    const version = ifMatchVersion(request) ?? current?.version ?? 0;
    const now = deps.now().toISOString();
    const rule: StoredInhibitRule = {
      id,
      sourceMatchers: normalizeMatchers(body.sourceMatchers, 'sourceMatchers'),
      targetMatchers: normalizeMatchers(body.targetMatchers, 'targetMatchers'),
      equal: body.equal,
      scope: ownerOf(tenantId),
      accountId,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      version: version + 1,
    };
    try {
      validateInhibitRule(rule);
    } catch (error) {
      if (error instanceof InhibitRuleValidationError) throw new InvalidPayloadError('invalid inhibit rule', error.issues.map((i) => ({ field: i.path, message: i.message })));
      throw error;
    }
    await deps.stores.inhibitRules.put(accountId, ownerOf(tenantId), id, rule, version);
    return { status: rule.version === 1 ? 201 : 200, body: rule, headers: etag(rule.version) };
  });
  route('DELETE', `${base}/inhibit-rules/:id`, access, `Delete ${scope} inhibit rule`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    if (!(await deps.stores.inhibitRules.delete(accountId, ownerOf(tenantId), params.id!))) throw notFound('inhibit rule');
    return { status: 204 };
  });

  // History
  route('GET', `${base}/history`, access, `Notifications ${base === A ? 'of the account' : "to a tenant's receivers"}, newest first`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const filters = parseWith(historyQuerySchema, request.query);
    // Sort keys hold UTC timestamps; compare like with like.
    if (filters.from !== undefined) filters.from = new Date(filters.from).toISOString();
    if (filters.to !== undefined) filters.to = new Date(filters.to).toISOString();
    if (tenantId !== undefined) {
      // A tenant's history starts when it was created: notifications of an earlier tenant of this name stay hidden.
      const { createdAt } = await existingTenant(accountId, tenantId, deps.stores);
      if (filters.to !== undefined && filters.to < createdAt) return ok({ items: [] });
      if (filters.from === undefined || filters.from < createdAt) filters.from = createdAt;
    }
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
    const page = await deps.history.list(accountId, { ...pageQuery(request), ...query, ...(tenantId === undefined ? {} : { tenantId }) });
    return ok(page);
  });

  route('GET', `${base}/alerts/:fingerprint/history`, access, "An alert's path: received, routed, silenced or inhibited, notified", async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const fp = parseWith(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 hex digits') }), { fingerprint: params.fingerprint }).fingerprint;
    const page = await alertPath(accountId, fp, pageQuery(request), deps);
    if (tenantId === undefined) return ok(page);
    // As with history: nothing from before this tenant was created, so nothing of an earlier tenant of this name.
    const { createdAt } = await existingTenant(accountId, tenantId, deps.stores);
    const items = tenantPathView(page.items, tenantId).filter((entry) => entry.at >= createdAt);
    return ok({ items, ...(page.cursor ? { cursor: page.cursor } : {}) });
  });

  // Explain
  route('POST', `${base}/explain`, access, 'Which receivers an alert would reach, and what would stop it', async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const body = parseWith(explainBodySchema, request.json());
    const alert: Alert = {
      labels: body.labels,
      annotations: {},
      status: 'firing',
      startsAt: deps.now().toISOString(),
      endsAt: ZERO_TIME,
      generatorURL: '',
      fingerprint: fingerprint(body.labels),
      source: 'generic',
      cluster: body.labels[CLUSTER_LABEL] ?? '',
    };
    const [{ routeAlerts, unreachedReceivers }, { loadRoutingSnapshot }] = await routing();
    const snapshot = await loadRoutingSnapshot(accountId, [alert], storeRoutingSource(deps.stores), { withMutes: true });
    const decision = routeAlerts([alert], snapshot, deps.now()).decisions[0]!;
    if (tenantId === undefined) return ok({ ...decision, receivers: [...decision.receivers, ...unreachedReceivers(alert, snapshot, decision)] });
    // A tenant sees only what concerns its own receivers, never other tenants' or global ones.
    const own = new Map([[tenantId, await deps.stores.receivers.listTenant(accountId, tenantId)]]);
    return ok({
      fingerprint: decision.fingerprint,
      visibleToTenant: decision.tenants.some((t) => t.tenantId === tenantId),
      receivers: [...decision.receivers, ...unreachedReceivers(alert, { ...snapshot, globalReceivers: [] }, decision, own)].filter((r) =>
        r.receiver.startsWith(`${tenantId}/`),
      ),
    });
  });

  // Event and audit rules
  route('GET', `${base}/rules`, access, `List ${scope} event and audit rules`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    return ok({ items: await (await rulesApi()).listRules(accountId, tenantId, deps.rules) });
  });
  route('PUT', `${base}/rules/:name`, access, `Create or replace ${scope} rule (compiled on write)`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const rule = await (await rulesApi()).putRule(accountId, tenantId, pathName(params.name!, 'name'), request.json(), ifMatchVersion(request), deps);
    return { status: rule.version === 1 ? 201 : 200, body: rule, headers: etag(rule.version) };
  });
  route('GET', `${base}/rules/:name`, access, `Get ${scope} rule`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    const rule = await deps.rules.rules.get(accountId, ownerOf(tenantId), params.name!);
    if (rule === undefined) throw notFound('rule');
    return ok(rule, etag(rule.version));
  });
  route('DELETE', `${base}/rules/:name`, access, `Delete ${scope} rule`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    if (!(await deps.rules.rules.delete(accountId, ownerOf(tenantId), params.name!))) {
      throw notFound('rule');
    }
    return { status: 204 };
  });
  route('POST', `${base}/rules-dry-run`, access, 'Which rules match a sample event, and the alerts they would produce', async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    return ok(await (await rulesApi()).dryRunRules(accountId, tenantId, request.json(), deps));
  });
  route('GET', `${base}/rule-definitions`, access, `${scope} lists, macros and aliases`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    const defs = await deps.rules.definitions.get(accountId, ownerOf(tenantId));
    return ok(defs ?? { lists: {}, macros: {}, aliases: {}, version: 0 });
  });
  route('PUT', `${base}/rule-definitions`, access, `Replace ${scope} lists, macros and aliases (checked for cycles)`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    const defs = await (await rulesApi()).putDefinitions(accountId, tenantId, request.json(), ifMatchVersion(request), deps);
    return ok(defs, etag(defs.version));
  });

  // Alertmanager API v2 (amtool, Grafana)
  for (const method of ['GET', 'POST', 'DELETE']) {
    route(method, `${base}/alertmanager/:rest+`, access, 'Alertmanager API v2 (status, silences, alerts) for amtool and Grafana', async (params, request, deps) =>
      (await alertmanagerV2()).alertmanagerApi(owner(params), `/${params.rest}`, request, deps),
    );
  }
}

/** The settings a receiver would be sent with: its own merged with its config's (tenant receivers see only their own and global configs). */
async function settingsWithConfig(draft: Pick<Receiver, 'accountId' | 'tenantId' | 'channel' | 'configSelector' | 'settings'>, deps: ApiDependencies) {
  const configs = (await deps.stores.configs.all(draft.accountId)).filter((c) => c.tenantId === undefined || c.tenantId === draft.tenantId);
  const config = selectConfig(draft, configs);
  const credentials = config === undefined ? {} : (JSON.parse(await deps.sealer.open(config.sealedSettings)) as Record<string, unknown>);
  const ownSecrets = deps.channels.get(draft.channel)?.secretSettings.some((name) => draft.settings[name] !== undefined) ?? false;
  return mergeConfigSettings(draft, config, credentials, ownSecrets);
}

/**
 * Sends a sample notification through the receiver's real channel code, with
 * its config and templates, and answers with the provider's outcome.
 */
async function testSend(receiver: Receiver, deps: ApiDependencies): Promise<TestSendResult> {
  const channel = deps.channels.get(receiver.channel);
  if (channel === undefined) return { ok: false, error: `unknown channel ${receiver.channel}` };
  const { prepareDelivery } = await deliveryResources();
  const prepared = await prepareDelivery(
    receiver,
    { configs: (a) => deps.stores.configs.all(a), templateSets: (a) => deps.stores.templateSets.all(a), languagePacks: (a) => deps.stores.languagePacks.all(a) },
    deps.sealer,
    deps.channelContext.externalURL,
  );
  const settings = channel.settingsSchema.safeParse(prepared.settings);
  if (!settings.success) return { ok: false, error: 'receiver settings are invalid for its channel', fields: settings.error.issues.map((i) => i.path.join('.')) };
  const now = deps.now().toISOString();
  const labels = { alertname: 'TidingsTestNotification', severity: 'info', ...(receiver.tenantId === undefined ? {} : { tenant: receiver.tenantId }) };
  const sample = {
    type: 'notification' as const,
    id: `test-${Date.now()}`,
    createdAt: now,
    receiver: { accountId: receiver.accountId, ...(receiver.tenantId === undefined ? {} : { tenantId: receiver.tenantId }), name: receiver.name },
    reason: 'test notification',
    groupKey: '{}:{alertname="TidingsTestNotification"}',
    status: 'firing' as const,
    groupLabels: { alertname: 'TidingsTestNotification' },
    commonLabels: labels,
    commonAnnotations: { summary: 'This is a test notification from tidings.' },
    truncatedAlerts: 0,
    alerts: [{ status: 'firing' as const, labels, annotations: { summary: 'This is a test notification from tidings.' }, startsAt: now, endsAt: ZERO_TIME, generatorURL: '', fingerprint: fingerprint(labels) }],
  };
  try {
    const outcome = await channel.send(settings.data, sample, { ...deps.channelContext, renderer: prepared.renderer });
    return { ok: true, statusCode: outcome.statusCode, templateFallbacks: prepared.templateFallbacks };
  } catch (error) {
    if (error instanceof ChannelError) return { ok: false, error: error.message, retryable: error.retryable, statusCode: error.details.statusCode };
    throw error;
  }
}

function sameScope(scope: { kind: string; tenantId?: string }, tenantId: string | undefined): boolean {
  return tenantId === undefined ? scope.kind === 'global' : scope.kind === 'tenant' && scope.tenantId === tenantId;
}

/** A silence of the scope in the path; another scope's silence is "not found", never shown. */
async function ownedSilence(params: Params, deps: ApiDependencies) {
  const { accountId, tenantId } = owner(params);
  const silence = await deps.stores.silences.get(accountId, params.id!);
  if (silence === undefined || !sameScope(silence.scope, tenantId)) throw notFound('silence');
  return silence;
}

// Routers ---------------------------------------------------------------------
route('GET', `${A}/routers`, 'operator', 'List routers', async (params, _request, deps) => ok({ items: await deps.stores.routers.all(owner(params).accountId) }));
route('PUT', `${A}/routers/:name`, 'operator', 'Create or replace a router', async (params, request, deps) => {
  const { accountId } = owner(params);
  const name = pathName(params.name!, 'name');
  const body = parseWith(routerBodySchema, request.json());
  validSelector(body.selector, 'selector');
  if (body.target.receiverPattern !== undefined) validSelector({ matchers: [{ name: 'receiver', value: body.target.receiverPattern, isRegex: true }] }, 'target.receiverPattern');
  const current = await deps.stores.routers.get(accountId, name);
  const version = ifMatchVersion(request) ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const target: Router['target'] = {};
  for (const key of ['receivers', 'receiverPattern', 'channels', 'tenants'] as const) {
    if (body.target[key] !== undefined) (target as Record<string, unknown>)[key] = body.target[key];
  }
  const router: Router = { accountId, name, enabled: body.enabled, selector: body.selector as Router['selector'], target, createdAt: current?.createdAt ?? now, updatedAt: now, version: version + 1 };
  await deps.stores.routers.put(accountId, name, router, version);
  return { status: router.version === 1 ? 201 : 200, body: router, headers: etag(router.version) };
});
route('GET', `${A}/routers/:name`, 'operator', 'Get a router', async (params, _request, deps) => {
  const router = await deps.stores.routers.get(owner(params).accountId, params.name!);
  if (router === undefined) throw notFound('router');
  return ok(router, etag(router.version));
});
route('DELETE', `${A}/routers/:name`, 'operator', 'Delete a router', async (params, _request, deps) => {
  if (!(await deps.stores.routers.delete(owner(params).accountId, params.name!))) throw notFound('router');
  return { status: 204 };
});

// Metric rule groups: a tenant's namespace groups, the operator's cluster and global groups.
for (const [collection, level, access] of [[`${T}/rule-groups`, 'namespace', 'tenant'], [`${A}/cluster-rule-groups`, 'cluster', 'operator'], [`${A}/global-rule-groups`, 'global', 'operator']] as const) {
  const refOf = (params: Params): RuleGroupRef => {
    const { tenantId } = owner(params);
    const name = pathName(params.name!, 'name');
    return level === 'namespace' ? { level, tenantId: tenantId!, name } : { level, name };
  };
  route('GET', collection, access, `List ${level} metric rule groups`, async (params, _request, deps) => {
    const { accountId, tenantId } = owner(params);
    return ok({ items: await deps.rules.ruleGroups.list(accountId, { level, ...(tenantId === undefined ? {} : { tenantId }) }) });
  });
  route('PUT', `${collection}/:name`, access, `Create or replace a ${level} metric rule group (expressions checked and matchers injected on write)`, async (params, request, deps) => {
    const group = await (await ruleGroupsApi()).putRuleGroup(owner(params).accountId, refOf(params), request.json(), ifMatchVersion(request), deps);
    return { status: group.version === 1 ? 201 : 200, body: group, headers: etag(group.version) };
  });
  route('GET', `${collection}/:name`, access, `Get a ${level} metric rule group`, async (params, _request, deps) => {
    const group = await (await ruleGroupsApi()).getRuleGroup(owner(params).accountId, refOf(params), deps);
    return ok(group, etag(group.version));
  });
  route('DELETE', `${collection}/:name`, access, `Delete a ${level} metric rule group and the inhibit rules of its levels`, async (params, _request, deps) => {
    await (await ruleGroupsApi()).deleteRuleGroup(owner(params).accountId, refOf(params), deps);
    return { status: 204 };
  });
  route('POST', `${collection}-dry-run`, access, `Evaluate a ${level} group's rules once now against a cluster's metrics endpoint (?cluster=<name>), storing nothing`, async (params, request, deps) => {
    const { accountId, tenantId } = owner(params);
    return ok(await (await ruleGroupsApi()).dryRunRuleGroup(accountId, level, tenantId, request.json(), request.query.cluster, { ...deps, http: deps.channelContext.http, services: await deps.metricRules() }));
  });
}

route('POST', `${A}/dead-letters/replay`, 'operator', "Move this account's dead letters back to their queue for another try", async (params, request, deps) => {
  const { accountId } = owner(params);
  const body = parseWith(replayBodySchema, request.json());
  const filter: ReplayFilter = { accountId };
  if (body.receiver !== undefined) filter.receiver = body.receiver;
  if (body.since !== undefined) filter.since = new Date(body.since);
  if (body.until !== undefined) filter.until = new Date(body.until);
  return ok(await deps.replay(body.queue, filter, body.limit));
});

route('GET', `${A}/default-rules`, 'operator', 'The event and audit rules tidings ships (on unless settings.defaultRules is false), with the lists, macros and aliases they use', async () => {
  const { defaultAuditRules, defaultDefinitions, defaultEventRules } = await shippedRules();
  // The shipped definitions are under every account's own: without them the rules' `${name}` references could not be read.
  return ok({ items: [...defaultEventRules, ...defaultAuditRules], definitions: { lists: {}, macros: {}, aliases: {}, ...defaultDefinitions } });
});

route('GET', '/v1/openapi.json', 'operator', 'This API, as OpenAPI 3.1', async (_params, _request, deps) => ok((await openApi()).openApiDocument(routes, { channels: deps.channels })));

// Every parameter can end up in a key, so each is checked once here rather than in each route.
const compiled = routes.map((r) => ({ ...r, match: compilePathPattern(r.pattern, decodePathParameter) }));

/**
 * Dispatches a request: finds the route, checks that the principal may use it
 * (a tenant key only ever reaches its own tenant's paths, as a 403 otherwise),
 * and runs it. 404 for unknown paths, 405 for a known path with another method.
 */
export async function handleApiRequest(request: ApiRequest, deps: ApiDependencies): Promise<ApiResponse> {
  let pathKnown = false;
  for (const candidate of compiled) {
    const params = candidate.match(request.path);
    if (params === undefined) continue;
    pathKnown = true;
    if (candidate.method !== request.method) continue;
    authorize(request.principal, candidate.access, params);
    if (candidate.pattern.startsWith(`${T}/`)) await existingTenant(owner(params).accountId, owner(params).tenantId!, deps.stores);
    return candidate.handler(params, request, deps);
  }
  throw pathKnown ? new HttpError(405, `method ${request.method} not allowed on ${request.path}`) : new HttpError(404, `no route ${request.path}`);
}

function authorize(principal: Principal, access: Access, params: Params): void {
  if (principal.kind === 'operator') return;
  const allowed = access === 'tenant' && params.account !== undefined && mayAccess(principal, params.account, params.tenant);
  if (!allowed) throw new HttpError(403, 'this key may not use this endpoint');
}

export const apiRoutes: ReadonlyArray<Pick<Route, 'method' | 'pattern' | 'access' | 'summary'>> = routes;
