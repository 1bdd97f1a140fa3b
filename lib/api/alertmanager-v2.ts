import * as z from 'zod';
import { compareBytes, groupLabelsFor } from '../aggregate/group-key.js';
import { ZERO_TIME, type Alert, type LabelSet } from '../alert/alert.js';
import { FIRING_MEMORY_MS, storeRoutingSource, type ConfigStores, type FiringAlert, type StoredSilence } from '../configs/config-stores.js';
import { Inhibitor } from '../inhibit/inhibitor.js';
import { alertmanagerStatus } from '../ingest/alertmanager-api.js';
import { decodePathParameter } from '../http/path-parameters.js';
import { compilePathPattern } from '../http/path-pattern.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { fromApiMatcher, toApiMatcher, type ApiMatcher } from '../matchers/api-matcher.js';
import { InvalidMatcherError } from '../matchers/matcher.js';
import { MatcherParseError, parseMatchers } from '../matchers/parse.js';
import { routeAlerts } from '../route/route-alerts.js';
import { loadRoutingSnapshot } from '../route/routing-source.js';
import type { MuteScope, ReceiverOwner } from '../silence/muter.js';
import { expireSilence } from '../silence/silence.js';
import { silencedBy } from '../silence/silencer.js';
import { accessEntries, accessKey } from '../tenancy/tenant.js';
import { HttpError, notFound, parseWith, type ApiRequest, type ApiResponse, type OperationContract } from './api-types.js';
import { parseTimestamp } from '../silence/timestamp.js';
import { boundsState, sameMatchers, silenceChange } from '../silence/update.js';
import {
  buildSilence,
  gettableSilence,
  gettableSilenceSchema,
  NEVER_ENDS,
  normalizeMatchers,
  postableSilenceSchema,
  silenceMatchesFilter,
  sortGettableSilences,
} from './silences-api.js';

/** Whose Alertmanager this is: the operator's (global silences, every alert) or one tenant's. */
export interface AlertmanagerScope {
  accountId: string;
  tenantId?: string;
}

export interface AlertmanagerDependencies {
  stores: ConfigStores;
  now: () => Date;
  startedAt: Date;
}

// Alertmanager 0.25's API v2 models (api/v2/openapi.yaml), as tidings answers them.
const labelSet = z.record(z.string(), z.string());
export const receiverSchema = z.strictObject({ name: z.string() });
export const gettableAlertSchema = z.strictObject({
  labels: labelSet,
  annotations: labelSet,
  startsAt: z.string(),
  endsAt: z.string(),
  /** Left out when empty, as Alertmanager does. */
  generatorURL: z.string().optional(),
  fingerprint: z.string(),
  updatedAt: z.string(),
  receivers: z.array(receiverSchema),
  status: z.strictObject({ state: z.enum(['unprocessed', 'active', 'suppressed']), silencedBy: z.array(z.string()), inhibitedBy: z.array(z.string()) }),
});
export type GettableAlert = z.infer<typeof gettableAlertSchema>;
export const alertGroupSchema = z.strictObject({ labels: labelSet, receiver: receiverSchema, alerts: z.array(gettableAlertSchema) });
export const alertmanagerStatusSchema = z.strictObject({
  cluster: z.strictObject({ status: z.enum(['ready', 'settling', 'disabled']), peers: z.array(z.never()) }),
  versionInfo: z.strictObject({ version: z.string(), revision: z.string(), branch: z.string(), buildUser: z.string(), buildDate: z.string(), goVersion: z.string() }),
  config: z.strictObject({ original: z.string() }),
  uptime: z.string(),
});
/** A refusal: Alertmanager answers its reason as a JSON string, which amtool prints. */
const refusalSchema = z.string();

/** A state flag as Alertmanager's go-swagger reads it: these words (any case) are true, every other value false. */
const flag = z.string().optional();
const TRUE_WORDS = new Set(['true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled']);
const filterQuery = z.object({ filter: z.array(z.string()).optional() });
const alertStateQuery = filterQuery.extend({ receiver: z.string().optional(), active: flag, silenced: flag, inhibited: flag });

interface OperationContext {
  scope: AlertmanagerScope;
  request: ApiRequest;
  deps: AlertmanagerDependencies;
  now: Date;
  params: Record<string, string>;
}

/** One call of Alertmanager's API v2: its contract (for the OpenAPI document) and its handler. */
export interface AlertmanagerOperation extends OperationContract {
  method: 'GET' | 'POST' | 'DELETE';
  /** Under the Alertmanager base URL, `:name` for a path parameter. */
  path: string;
  summary: string;
  handle(context: OperationContext): Promise<ApiResponse>;
}

/** Every call amtool and Grafana make, as Alertmanager 0.25 answers them. */
export const alertmanagerOperations: readonly AlertmanagerOperation[] = [
  {
    method: 'GET',
    path: '/api/v2/status',
    summary: 'Status (amtool reads it before every command; Grafana to test the data source)',
    responses: { 200: alertmanagerStatusSchema },
    handle: async ({ deps }) => ({ status: 200, body: alertmanagerStatus({ startedAt: deps.startedAt, version: 'tidings-0.1.0' }) }),
  },
  {
    method: 'GET',
    path: '/api/v2/receivers',
    summary: "The receivers of this scope: a tenant's own; for the operator the global ones and every tenant's as tenant/name",
    responses: { 200: z.array(receiverSchema) },
    handle: async ({ scope, deps }) => ({ status: 200, body: (await scopeReceivers(scope, deps)).map((name) => ({ name })) }),
  },
  {
    method: 'GET',
    path: '/api/v2/alerts',
    summary: 'Firing alerts this scope may see, with silence and inhibition state and the receivers routing sends them to',
    query: alertStateQuery.extend({ unprocessed: flag }),
    responses: { 200: z.array(gettableAlertSchema), 400: refusalSchema },
    handle: async (context) => {
      const receiver = receiverFilter(context.request);
      const alerts = (await alertsWithReceivers(context)).filter(({ alert }) => receiver === undefined || alert.receivers.some((r) => receiver(r.name)));
      return { status: 200, body: alerts.map(({ alert }) => alert).sort((a, b) => compareBytes(a.fingerprint, b.fingerprint)) };
    },
  },
  {
    method: 'GET',
    path: '/api/v2/alerts/groups',
    summary: "Alerts grouped per receiver by the receiver's groupBy, as its notifications group them",
    query: alertStateQuery,
    responses: { 200: z.array(alertGroupSchema), 400: refusalSchema },
    handle: async (context) => ({ status: 200, body: alertGroups(await alertsWithReceivers(context), receiverFilter(context.request)) }),
  },
  {
    method: 'GET',
    path: '/api/v2/silences',
    summary: "This scope's silences; each filter matcher must equal one of a silence's matchers",
    query: filterQuery,
    responses: { 200: z.array(gettableSilenceSchema), 400: refusalSchema },
    handle: async ({ scope, request, deps, now }) => {
      const filters = filterMatchers(request);
      const silences = (await scopeSilences(scope, deps)).filter((s) => silenceMatchesFilter(s, filters));
      return { status: 200, body: sortGettableSilences(silences.map((s) => gettableSilence(s, now))) };
    },
  },
  {
    method: 'POST',
    path: '/api/v2/silences',
    summary: 'Create a silence, or change one by its id (a schedule or a silence without end keeps them: only comment and createdBy may change)',
    request: postableSilenceSchema,
    responses: { 200: z.strictObject({ silenceID: z.string() }), 400: refusalSchema, 404: refusalSchema },
    handle: ({ scope, request, deps, now }) => postSilence(scope, request, deps, now),
  },
  {
    method: 'GET',
    path: '/api/v2/silence/:silenceID',
    summary: 'One silence',
    responses: { 200: gettableSilenceSchema, 404: refusalSchema },
    handle: async ({ scope, deps, now, params }) => ({ status: 200, body: gettableSilence(await scopeSilence(scope, params.silenceID!, deps), now) }),
  },
  {
    method: 'DELETE',
    path: '/api/v2/silence/:silenceID',
    summary: 'Expire a silence (kept, as Alertmanager does)',
    responses: { 200: null, 404: refusalSchema },
    handle: async ({ scope, deps, now, params }) => {
      const silence = await scopeSilence(scope, params.silenceID!, deps);
      const expired = { ...expireSilence(silence, now), updatedAt: now.toISOString(), version: silence.version + 1 };
      await deps.stores.silences.put(scope.accountId, silence.id, expired, silence.version);
      return { status: 200 };
    },
  },
];

const compiledOperations = alertmanagerOperations.map((operation) => ({ operation, match: compilePathPattern(operation.path, decodePathParameter) }));

/**
 * Alertmanager API v2, enough for amtool and Grafana: status, silences
 * (list, get, create/update, expire), alerts, alert groups and receivers, as
 * Alertmanager 0.25 answers them. A tenant's Alertmanager shows and changes
 * only that tenant's silences and shows only alerts of namespaces it may see.
 * Refusals answer their reason as a JSON string, as Alertmanager does.
 */
export async function alertmanagerApi(
  scope: AlertmanagerScope,
  subpath: string,
  request: ApiRequest,
  deps: AlertmanagerDependencies,
): Promise<ApiResponse> {
  for (const { operation, match } of compiledOperations) {
    const params = operation.method === request.method ? match(subpath) : undefined;
    if (params === undefined) continue;
    return operation.handle({ scope, request, deps, now: deps.now(), params }).catch(asAlertmanagerRefusal);
  }
  if (subpath.startsWith('/api/v2/')) throw new HttpError(404, `${request.method} ${subpath} is not part of tidings' Alertmanager API`);
  throw notFound(subpath);
}

function muteScope(scope: AlertmanagerScope): MuteScope {
  return scope.tenantId === undefined ? { kind: 'global' } : { kind: 'tenant', tenantId: scope.tenantId };
}

/** `filter=a="b"&filter=c=~"d"` (amtool sends each matcher as its own filter parameter). */
function filterMatchers(request: ApiRequest): ApiMatcher[] {
  try {
    return request.queryAll('filter').flatMap((part) => parseMatchers(part).map((m) => toApiMatcher(m)));
  } catch (error) {
    if (error instanceof MatcherParseError) throw new InvalidPayloadError('invalid filter', [{ field: 'filter', message: error.message }]);
    throw error;
  }
}

/** Alertmanager's `receiver` parameter: a regex anchored at both ends over receiver names. */
function receiverFilter(request: ApiRequest): ((name: string) => boolean) | undefined {
  const pattern = request.query.receiver;
  if (pattern === undefined) return undefined;
  try {
    const matcher = fromApiMatcher({ name: 'receiver', value: pattern, isRegex: true });
    return (name) => matcher.matches({ receiver: name });
  } catch (error) {
    if (error instanceof InvalidMatcherError) throw new InvalidPayloadError('failed to parse receiver param', [{ field: 'receiver', message: error.message }]);
    throw error;
  }
}

async function scopeSilences(scope: AlertmanagerScope, deps: AlertmanagerDependencies): Promise<StoredSilence[]> {
  return (await deps.stores.silences.all(scope.accountId)).filter((s) =>
    scope.tenantId === undefined ? s.scope.kind === 'global' : s.scope.kind === 'tenant' && s.scope.tenantId === scope.tenantId,
  );
}

async function scopeSilence(scope: AlertmanagerScope, id: string, deps: AlertmanagerDependencies): Promise<StoredSilence> {
  const silence = (await scopeSilences(scope, deps)).find((s) => s.id === id);
  if (silence === undefined) throw notFound('silence');
  return silence;
}

/** Alertmanager answers a refused call with its reason as a JSON string, which amtool prints. */
function refused(message: string): ApiResponse {
  return { status: 400, body: message };
}

/** amtool and Grafana decode a refusal's body as a string: an object would hide the reason. */
function asAlertmanagerRefusal(error: unknown): ApiResponse {
  if (error instanceof InvalidPayloadError) return refused([error.message, ...error.issues.map((i) => `${i.field}: ${i.message}`)].join('; '));
  if (error instanceof HttpError && error.statusCode === 404) return { status: 404, body: error.message };
  throw error;
}

/** Where the tidings API changes this silence with everything it has. */
function tidingsSilencePath(scope: AlertmanagerScope, id: string): string {
  return `/v1/accounts/${scope.accountId}${scope.tenantId === undefined ? '' : `/tenants/${scope.tenantId}`}/silences/${id}`;
}

/** What a stored silence has that Alertmanager's API cannot carry. */
function tidingsOnlyFeatures(silence: StoredSilence): string[] {
  const features: string[] = [];
  if (silence.schedule !== undefined) features.push(`a schedule (cron "${silence.schedule.cron}" for ${silence.schedule.durationSeconds}s, ${silence.schedule.timeZone})`);
  if (silence.permanent === true) features.push('no end (permanent)');
  else if (silence.endsAt === undefined) features.push('no end');
  return features;
}

/**
 * POST /api/v2/silences as Alertmanager 0.25 answers it: a new silence starts
 * no earlier than now; a POST naming a silence changes it in place or
 * replaces it (the old one expired, a new id) by Alertmanager's rule. A
 * silence with a schedule or without an end cannot be shown whole through
 * this API, so here only its comment and author may change; a body that
 * changes its matchers or times is refused rather than silently turning it
 * into a plain silence.
 */
async function postSilence(scope: AlertmanagerScope, request: ApiRequest, deps: AlertmanagerDependencies, now: Date): Promise<ApiResponse> {
  const body = parseWith(postableSilenceSchema, request.json());
  const startsAtMs = parseTimestamp(body.startsAt);
  const endsAtMs = parseTimestamp(body.endsAt);
  if (startsAtMs === undefined || endsAtMs === undefined) return refused('startsAt and endsAt must be RFC 3339 timestamps');
  if (startsAtMs >= endsAtMs) return refused('Failed to create silence: start time must be before end time');
  if (endsAtMs < now.getTime()) return refused("Failed to create silence: end time can't be in the past");
  const previous = body.id === undefined ? undefined : (await scopeSilences(scope, deps)).find((s) => s.id === body.id);
  if (body.id !== undefined && previous === undefined) throw notFound(`silence ${body.id}`);
  const fields = { matchers: normalizeMatchers(body.matchers), startsAt: body.startsAt, endsAt: body.endsAt, createdBy: body.createdBy, comment: body.comment };

  if (previous !== undefined) {
    const features = tidingsOnlyFeatures(previous);
    if (features.length > 0) {
      const changed = [
        ...(sameMatchers(previous.matchers, fields.matchers) ? [] : ['matchers']),
        ...(startsAtMs === parseTimestamp(previous.startsAt) ? [] : ['startsAt']),
        ...(endsAtMs === parseTimestamp(previous.endsAt ?? NEVER_ENDS) ? [] : ['endsAt']),
      ];
      if (changed.length > 0) {
        return refused(
          `silence ${previous.id} has ${features.join(' and ')}, which the Alertmanager API cannot express: ` +
            `only its comment and createdBy can change here, not ${changed.join(', ')}; ` +
            `change it with PUT ${tidingsSilencePath(scope, previous.id)}`,
        );
      }
      const kept = buildSilence({ ...previous, comment: fields.comment, createdBy: fields.createdBy }, previous.scope, scope.accountId, now, previous);
      await deps.stores.silences.put(scope.accountId, kept.id, kept, previous.version);
      return { status: 200, body: { silenceID: kept.id } };
    }
    if (silenceChange(previous, fields, now) === 'update') {
      const updated = buildSilence({ ...fields, id: previous.id }, previous.scope, scope.accountId, now, previous);
      await deps.stores.silences.put(scope.accountId, updated.id, updated, previous.version);
      return { status: 200, body: { silenceID: updated.id } };
    }
  }

  const created = buildSilence({ ...fields, startsAt: startsAtMs < now.getTime() ? now.toISOString() : fields.startsAt }, muteScope(scope), scope.accountId, now);
  // Checked before the old silence is expired, so a refused replacement loses nothing.
  if (previous !== undefined && boundsState(previous, now) !== 'expired') {
    const expired = { ...expireSilence(previous, now), updatedAt: now.toISOString(), version: previous.version + 1 };
    await deps.stores.silences.put(scope.accountId, previous.id, expired, previous.version);
  }
  await deps.stores.silences.put(scope.accountId, created.id, created, 0);
  return { status: 200, body: { silenceID: created.id } };
}

/** A receiver's name in this scope: a tenant's own by name; for the operator, tenant receivers as `tenant/name`. */
function receiverName(scope: AlertmanagerScope, receiver: { tenantId?: string; name: string }): string {
  return scope.tenantId === undefined && receiver.tenantId !== undefined ? `${receiver.tenantId}/${receiver.name}` : receiver.name;
}

async function scopeReceivers(scope: AlertmanagerScope, deps: AlertmanagerDependencies): Promise<string[]> {
  const { receivers, tenants } = deps.stores;
  if (scope.tenantId !== undefined) return (await receivers.listTenant(scope.accountId, scope.tenantId)).map((r) => r.name).sort(compareBytes);
  const names = (await receivers.listGlobal(scope.accountId)).map((r) => r.name);
  let cursor: string | undefined;
  do {
    const page = await tenants.page(scope.accountId, { limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    for (const tenant of page.items) names.push(...(await receivers.listTenant(scope.accountId, tenant.id)).map((r) => receiverName(scope, r)));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return names.sort(compareBytes);
}

/** The firing alerts this scope may see: every one for the operator; a tenant's only those of its namespaces. */
async function scopeAlerts(scope: AlertmanagerScope, firing: FiringAlert[], stores: ConfigStores): Promise<FiringAlert[]> {
  if (scope.tenantId === undefined) return firing;
  const tenant = await stores.tenants.get(scope.accountId, scope.tenantId);
  if (tenant === undefined) throw notFound('tenant');
  const workspaces = await Promise.all(tenant.workspaces.map((w) => stores.workspaces.get(scope.accountId, w)));
  const allowed = new Set(
    accessEntries(tenant, new Map(workspaces.filter((w) => w !== undefined).map((w) => [w!.name, w!]))).map((e) => accessKey(e.cluster, e.namespace)),
  );
  return firing.filter((alert) => {
    const { cluster, namespace } = alert.labels;
    return cluster !== undefined && namespace !== undefined && allowed.has(accessKey(cluster, namespace));
  });
}

/** Alertmanager prints times in UTC with milliseconds (`2026-12-02T16:35:51.000Z`). */
function amTime(time: string): string {
  const ms = parseTimestamp(time);
  return ms === undefined ? time : new Date(ms).toISOString();
}

/**
 * The alert's end as Alertmanager would show it: the sender's, or when the
 * firing set lets an open-ended alert go (Alertmanager's own is its
 * resolve_timeout, 5 minutes by default).
 */
function shownEnd(alert: FiringAlert): string {
  if (alert.endsAt !== ZERO_TIME) return amTime(alert.endsAt);
  return new Date(Date.parse(alert.updatedAt) + FIRING_MEMORY_MS).toISOString();
}

interface RoutedAlert {
  alert: GettableAlert;
  /** Per receiver (by name in this scope), the alert's group labels under its groupBy. */
  groups: Array<{ receiver: string; labels: LabelSet }>;
}

/**
 * The alerts this scope may see, with their state now (silences and
 * inhibition are evaluated at the call, as Alertmanager does), the receivers
 * routing sends each to and its group under each, after the filter and state
 * parameters. Alerts past their end are left out.
 */
async function alertsWithReceivers({ scope, request, deps, now }: OperationContext): Promise<RoutedAlert[]> {
  const query = parseWith(alertStateQuery.extend({ unprocessed: flag }), { ...request.query, filter: undefined });
  const filters = filterMatchers(request).map((filter) => {
    try {
      return fromApiMatcher(filter);
    } catch (error) {
      if (error instanceof InvalidMatcherError) throw new InvalidPayloadError('invalid filter', [{ field: 'filter', message: error.message }]);
      throw error;
    }
  });
  const { stores } = deps;
  const firing = (await stores.firing.list(scope.accountId)).filter((alert) => Date.parse(shownEnd(alert)) > now.getTime());
  const visible = await scopeAlerts(scope, firing, stores);
  const selected = visible.filter((alert) => filters.every((filter) => filter.matches(alert.labels)));
  if (selected.length === 0) return [];

  const [silences, rules] = await Promise.all([stores.silences.all(scope.accountId), stores.inhibitRules.all(scope.accountId)]);
  const owner: ReceiverOwner = muteScope(scope);
  const applicable = silences.filter((s) => s.scope.kind === 'global' || (owner.kind === 'tenant' && s.scope.kind === 'tenant' && s.scope.tenantId === owner.tenantId));
  const inhibitor = new Inhibitor(rules, visible, { audience: owner });

  // Which receivers each alert goes to, and how each groups it: the route stage's own decision.
  const asAlerts: Alert[] = selected.map((alert) => ({ ...alert, status: 'firing', source: 'alertmanager-api', cluster: alert.labels.cluster ?? '' }));
  const snapshot = await loadRoutingSnapshot(scope.accountId, asAlerts, storeRoutingSource(stores));
  const groupsOf = new Map<string, RoutedAlert['groups']>();
  for (const message of routeAlerts(asAlerts, snapshot, now).messages) {
    if (scope.tenantId !== undefined && message.receiver.tenantId !== scope.tenantId) continue;
    for (const alert of message.alerts) {
      const groups = groupsOf.get(alert.fingerprint) ?? [];
      groups.push({ receiver: receiverName(scope, message.receiver), labels: groupLabelsFor(alert.labels, message.grouping.groupBy) });
      groupsOf.set(alert.fingerprint, groups);
    }
  }

  const want = (name: 'active' | 'silenced' | 'inhibited') => query[name] === undefined || TRUE_WORDS.has(query[name].toLowerCase());
  return selected
    .map((alert): RoutedAlert => {
      const silencedIds = silencedBy(alert.labels, applicable, now);
      const inhibition = inhibitor.inhibitedBy(alert, now);
      const groups = (groupsOf.get(alert.fingerprint) ?? []).sort((a, b) => compareBytes(a.receiver, b.receiver));
      return {
        groups,
        alert: {
          labels: alert.labels,
          annotations: alert.annotations,
          startsAt: amTime(alert.startsAt),
          endsAt: shownEnd(alert),
          ...(alert.generatorURL === '' ? {} : { generatorURL: alert.generatorURL }),
          fingerprint: alert.fingerprint,
          updatedAt: amTime(alert.updatedAt),
          receivers: groups.map((g) => ({ name: g.receiver })),
          status: {
            state: silencedIds.length > 0 || inhibition !== undefined ? 'suppressed' : 'active',
            silencedBy: silencedIds,
            inhibitedBy: inhibition === undefined ? [] : [inhibition.sourceFingerprint],
          },
        },
      };
    })
    .filter(({ alert }) => (alert.status.state === 'active' ? want('active') : true))
    .filter(({ alert }) => (alert.status.silencedBy.length > 0 ? want('silenced') : true))
    .filter(({ alert }) => (alert.status.inhibitedBy.length > 0 ? want('inhibited') : true));
}

/**
 * Alertmanager's alert groups (dispatch `Groups`): one per receiver and group
 * labels, ordered by labels then receiver; alerts in a group by `job`, then
 * `instance`, then their labels; `receiver` keeps the groups, and the
 * receivers each alert lists, whose name it matches.
 */
function alertGroups(alerts: readonly RoutedAlert[], receiver: ((name: string) => boolean) | undefined) {
  const groups = new Map<string, z.infer<typeof alertGroupSchema>>();
  for (const { alert, groups: memberships } of alerts) {
    // As in Alertmanager, an alert in a group lists only the receivers the `receiver` parameter keeps.
    const shown = receiver === undefined ? alert : { ...alert, receivers: alert.receivers.filter((r) => receiver(r.name)) };
    for (const membership of memberships) {
      if (receiver !== undefined && !receiver(membership.receiver)) continue;
      const key = JSON.stringify([membership.receiver, membership.labels]);
      const group = groups.get(key) ?? { labels: membership.labels, receiver: { name: membership.receiver }, alerts: [] };
      group.alerts.push(shown);
      groups.set(key, group);
    }
  }
  const ordered = [...groups.values()].sort((a, b) =>
    labelSetBefore(a.labels, b.labels) ? -1 : labelSetBefore(b.labels, a.labels) ? 1 : compareBytes(a.receiver.name, b.receiver.name),
  );
  for (const group of ordered) group.alerts.sort((a, b) => (alertBefore(a.labels, b.labels) ? -1 : alertBefore(b.labels, a.labels) ? 1 : 0));
  return ordered;
}

/** Prometheus' `LabelSet.Before`: fewer labels first, then the first differing value in name order. */
function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  const aNames = Object.keys(a);
  const bNames = Object.keys(b);
  if (aNames.length !== bNames.length) return aNames.length < bNames.length;
  for (const name of [...aNames, ...bNames].sort(compareBytes)) {
    if (!Object.hasOwn(a, name)) return true;
    if (!Object.hasOwn(b, name)) return false;
    if (a[name] !== b[name]) return compareBytes(a[name]!, b[name]!) < 0;
  }
  return false;
}

/** Alertmanager's `AlertSlice` order: by `job`, then `instance` (alerts without one last), then labels. */
function alertBefore(a: LabelSet, b: LabelSet): boolean {
  for (const name of ['job', 'instance']) {
    const inA = Object.hasOwn(a, name);
    const inB = Object.hasOwn(b, name);
    if (!inA && !inB) continue;
    if (!inA) return false;
    if (!inB) return true;
    if (a[name] !== b[name]) return compareBytes(a[name]!, b[name]!) < 0;
  }
  return labelSetBefore(a, b);
}
