import type { LabelSet } from '../alert/alert.js';
import type { ConfigStores, FiringAlert, StoredSilence } from '../configs/config-stores.js';
import { Inhibitor } from '../inhibit/inhibitor.js';
import { alertmanagerStatus } from '../ingest/alertmanager-api.js';
import { decodePathParameter } from '../http/path-parameters.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { fromApiMatcher, toApiMatcher, type ApiMatcher } from '../matchers/api-matcher.js';
import { InvalidMatcherError } from '../matchers/matcher.js';
import { MatcherParseError, parseMatchers } from '../matchers/parse.js';
import type { MuteScope, ReceiverOwner } from '../silence/muter.js';
import { expireSilence } from '../silence/silence.js';
import { silencedBy } from '../silence/silencer.js';
import { accessEntries, accessKey } from '../tenancy/tenant.js';
import { HttpError, notFound, parseWith, type ApiRequest, type ApiResponse } from './api-types.js';
import { parseTimestamp } from '../silence/timestamp.js';
import { boundsState, sameMatchers, silenceChange } from '../silence/update.js';
import {
  buildSilence,
  gettableSilence,
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

async function scopeSilences(scope: AlertmanagerScope, deps: AlertmanagerDependencies): Promise<StoredSilence[]> {
  return (await deps.stores.silences.all(scope.accountId)).filter((s) =>
    scope.tenantId === undefined ? s.scope.kind === 'global' : s.scope.kind === 'tenant' && s.scope.tenantId === scope.tenantId,
  );
}

/**
 * Alertmanager API v2, enough for amtool and Grafana: status, silences
 * (list, get, create/update, expire), alerts, alert groups and receivers, as
 * Alertmanager 0.25 answers them. A tenant's
 * Alertmanager shows and changes only that tenant's silences and shows only
 * alerts of namespaces it may see.
 */
export async function alertmanagerApi(
  scope: AlertmanagerScope,
  subpath: string,
  request: ApiRequest,
  deps: AlertmanagerDependencies,
): Promise<ApiResponse> {
  const now = deps.now();
  const route = `${request.method} ${subpath}`;
  if (route === 'GET /api/v2/status') {
    return { status: 200, body: alertmanagerStatus({ startedAt: deps.startedAt, version: 'tidings-0.1.0' }) };
  }
  if (route === 'GET /api/v2/silences') {
    const filters = filterMatchers(request);
    const silences = (await scopeSilences(scope, deps)).filter((s) => silenceMatchesFilter(s, filters));
    return { status: 200, body: sortGettableSilences(silences.map((s) => gettableSilence(s, now))) };
  }
  if (route === 'POST /api/v2/silences') return postSilence(scope, request, deps, now).catch(asAlertmanagerRefusal);
  const single = /^\/api\/v2\/silence\/([^/]+)$/.exec(subpath);
  if (single !== null) {
    const id = decodePathParameter(single[1]!, 'silenceID');
    const silence = (await scopeSilences(scope, deps)).find((s) => s.id === id);
    if (silence === undefined) throw notFound('silence');
    if (request.method === 'GET') return { status: 200, body: gettableSilence(silence, now) };
    if (request.method === 'DELETE') {
      const expired = { ...silence, ...expireSilence(silence, now), updatedAt: now.toISOString(), version: silence.version + 1 };
      await deps.stores.silences.put(scope.accountId, silence.id, expired, silence.version);
      return { status: 200 };
    }
  }
  if (route === 'GET /api/v2/receivers') return { status: 200, body: [{ name: receiverName(scope) }] };
  if (route === 'GET /api/v2/alerts' || route === 'GET /api/v2/alerts/groups') {
    const receiver = request.query.receiver;
    // Alertmanager's `receiver` is an anchored regex over the receivers an alert goes to; here there is one.
    if (receiver !== undefined && !receiverMatches(receiver, receiverName(scope))) return { status: 200, body: [] };
    const alerts = await visibleAlerts(scope, request, deps, now);
    if (route === 'GET /api/v2/alerts') return { status: 200, body: alerts };
    return { status: 200, body: alerts.length === 0 ? [] : [{ labels: {}, receiver: { name: receiverName(scope) }, alerts }] };
  }
  if (subpath.startsWith('/api/v2/')) throw new HttpError(404, `${request.method} ${subpath} is not part of tidings' Alertmanager API`);
  throw notFound(subpath);
}

/** Alertmanager answers a refused silence with its reason as a JSON string, which amtool prints. */
function refused(message: string): ApiResponse {
  return { status: 400, body: message };
}

/** amtool decodes a refused POST's body as a string: an object would hide the reason. */
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
    const expired = { ...previous, ...expireSilence(previous, now), updatedAt: now.toISOString(), version: previous.version + 1 };
    await deps.stores.silences.put(scope.accountId, previous.id, expired, previous.version);
  }
  await deps.stores.silences.put(scope.accountId, created.id, created, 0);
  return { status: 200, body: { silenceID: created.id } };
}

function receiverName(scope: AlertmanagerScope): string {
  return scope.tenantId === undefined ? 'tidings' : `tidings/${scope.tenantId}`;
}

/** Alertmanager's GettableAlert list for this scope, with silence and inhibition state. */
async function visibleAlerts(scope: AlertmanagerScope, request: ApiRequest, deps: AlertmanagerDependencies, now: Date) {
  const { stores } = deps;
  const [firing, silences, rules] = await Promise.all([
    stores.firing.list(scope.accountId),
    stores.silences.all(scope.accountId),
    stores.inhibitRules.all(scope.accountId),
  ]);
  let visible: FiringAlert[] = firing;
  if (scope.tenantId !== undefined) {
    const tenant = await stores.tenants.get(scope.accountId, scope.tenantId);
    if (tenant === undefined) throw notFound('tenant');
    const workspaces = await Promise.all(tenant.workspaces.map((w) => stores.workspaces.get(scope.accountId, w)));
    const allowed = new Set(
      accessEntries(tenant, new Map(workspaces.filter((w) => w !== undefined).map((w) => [w!.name, w!]))).map((e) => accessKey(e.cluster, e.namespace)),
    );
    visible = firing.filter((alert) => {
      const { cluster, namespace } = alert.labels;
      return cluster !== undefined && namespace !== undefined && allowed.has(accessKey(cluster, namespace));
    });
  }
  const owner: ReceiverOwner = scope.tenantId === undefined ? { kind: 'global' } : { kind: 'tenant', tenantId: scope.tenantId };
  const applicable = silences.filter((s) => s.scope.kind === 'global' || (owner.kind === 'tenant' && s.scope.kind === 'tenant' && s.scope.tenantId === owner.tenantId));
  const inhibitor = new Inhibitor(rules, visible, { audience: owner });
  const filters = filterMatchers(request);
  const want = (name: string) => request.query[name] !== 'false';
  return visible
    .filter((alert) => filters.every((f) => matchesLabels(f, alert.labels)))
    .map((alert) => {
      const silencedIds = silencedBy(alert.labels, applicable, now);
      const inhibition = inhibitor.inhibitedBy(alert, now);
      const suppressed = silencedIds.length > 0 || inhibition !== undefined;
      return {
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        generatorURL: alert.generatorURL,
        fingerprint: alert.fingerprint,
        updatedAt: alert.updatedAt,
        receivers: [{ name: receiverName(scope) }],
        status: {
          state: suppressed ? 'suppressed' : 'active',
          silencedBy: silencedIds,
          inhibitedBy: inhibition === undefined ? [] : [inhibition.sourceFingerprint],
          mutedBy: [],
        },
      };
    })
    .filter((alert) => (alert.status.silencedBy.length > 0 ? want('silenced') : true))
    .filter((alert) => (alert.status.inhibitedBy.length > 0 ? want('inhibited') : true))
    .filter((alert) => (alert.status.state === 'active' ? want('active') : true));
}

function receiverMatches(pattern: string, name: string): boolean {
  try {
    return fromApiMatcher({ name: 'receiver', value: pattern, isRegex: true }).matches({ receiver: name });
  } catch (error) {
    if (error instanceof InvalidMatcherError) throw new InvalidPayloadError('failed to parse receiver param', [{ field: 'receiver', message: error.message }]);
    throw error;
  }
}

function matchesLabels(filter: ApiMatcher, labels: LabelSet): boolean {
  return fromApiMatcher(filter).matches(labels);
}
