import type { LabelSet } from '../alert/alert.js';
import type { ConfigStores, StoredSilence } from '../aws/dynamo-config.js';
import type { FiringAlert } from '../aws/dynamo-firing-alerts.js';
import { Inhibitor } from '../inhibit/inhibitor.js';
import { alertmanagerStatus } from '../ingest/alertmanager-api.js';
import { decodePathParameter } from '../http/path-parameters.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { fromApiMatcher, toApiMatcher, type ApiMatcher } from '../matchers/api-matcher.js';
import { MatcherParseError, parseMatchers } from '../matchers/parse.js';
import type { MuteScope, ReceiverOwner } from '../silence/muter.js';
import { expireSilence } from '../silence/silence.js';
import { silencedBy } from '../silence/silencer.js';
import { accessEntries, accessKey } from '../tenancy/tenant.js';
import { HttpError, notFound, parseWith, type ApiRequest, type ApiResponse } from './api-types.js';
import { buildSilence, gettableSilence, postableSilenceSchema, silenceMatchesFilter } from './silences-api.js';

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
 * (list, get, create/update, expire), alerts and alert groups. A tenant's
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
    return { status: 200, body: silences.map((s) => gettableSilence(s, now)) };
  }
  if (route === 'POST /api/v2/silences') {
    const body = parseWith(postableSilenceSchema, request.json());
    const previous = body.id === undefined ? undefined : (await scopeSilences(scope, deps)).find((s) => s.id === body.id);
    if (body.id !== undefined && previous === undefined) throw notFound(`silence ${body.id}`);
    const silence = buildSilence(
      { ...(body.id === undefined ? {} : { id: body.id }), matchers: body.matchers, startsAt: body.startsAt, endsAt: body.endsAt, createdBy: body.createdBy, comment: body.comment },
      muteScope(scope),
      scope.accountId,
      now,
      previous,
    );
    await deps.stores.silences.put(scope.accountId, silence.id, silence, previous?.version ?? 0);
    return { status: 200, body: { silenceID: silence.id } };
  }
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
  if (route === 'GET /api/v2/alerts' || route === 'GET /api/v2/alerts/groups') {
    const alerts = await visibleAlerts(scope, request, deps, now);
    if (route === 'GET /api/v2/alerts') return { status: 200, body: alerts };
    return { status: 200, body: alerts.length === 0 ? [] : [{ labels: {}, receiver: { name: receiverName(scope) }, alerts }] };
  }
  if (subpath.startsWith('/api/v2/')) throw new HttpError(404, `${request.method} ${subpath} is not part of tidings' Alertmanager API`);
  throw notFound(subpath);
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

function matchesLabels(filter: ApiMatcher, labels: LabelSet): boolean {
  return fromApiMatcher(filter).matches(labels);
}
