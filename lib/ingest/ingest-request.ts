import { authenticateCluster } from '../clusters/authenticate.js';
import type { Cluster, ClusterStore } from '../clusters/cluster.js';
import { presentedToken } from '../clusters/credentials.js';
import { assertKeyPart, decodePathParameter } from '../http/path-parameters.js';
import { readJsonBody, type RawBody } from '../http/request-body.js';
import type { QueuePublisher } from '../pipeline/queue.js';
import { alertmanagerStatus, parsePostableAlerts } from './alertmanager-api.js';
import { parseAlertmanagerWebhook } from './alertmanager-webhook.js';
import { header, type HeaderMap } from '../http/headers.js';
import { classifyCloudEvents, readCloudEventsRequest } from './cloudevents.js';
import { parseGenericAlerts } from './generic-alerts.js';
import { enqueueAlerts } from './ingest-alerts.js';
import { parseKubernetesAuditEvents } from './kubernetes-audit.js';
import type { KubernetesAuditSignal } from './kubernetes-audit.js';
import { parseKubernetesEvents, type KubernetesEventSignal } from './kubernetes-events.js';
import type { RateLimiter } from './rate-limit.js';
import type { RulesFileSources } from '../metric-rules/rules-file.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import { signalBatchBodies } from './signal-messages.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequestSignature } from './request-signing.js';

/** One request to a cluster's ingest URL, as the handler received it. */
export interface IngestRequest {
  clusterId: string;
  /** The path after the cluster id, e.g. `alertmanager`, `api/v2/alerts`, `t/<token>/events`. */
  path: string;
  method: string;
  headers: HeaderMap;
  body: RawBody;
  /** Query parameters (`GET rules?format=prometheusrule`). */
  query?: Record<string, string | undefined>;
}

export interface IngestResponse {
  status: number;
  /** Undefined: an empty body, as Alertmanager's API answers. */
  body?: unknown;
  /** A body that is not JSON (the rules file), sent as it is with these headers. */
  text?: { body: string; headers: Record<string, string> };
}

export interface IngestDependencies {
  clusters: ClusterStore;
  /** Opens a cluster's sealed signing secrets. */
  openSecret?: (sealed: string) => Promise<string>;
  queue: QueuePublisher;
  rateLimiter?: RateLimiter;
  limitBytes: number;
  now: () => Date;
  startedAt: Date;
  /** The reads `GET rules` needs; without them the path is not served. */
  ruleSources?: RulesFileSources;
}

/** An ingest path tidings does not serve. */
export class UnknownIngestPathError extends Error {
  constructor(readonly path: string, readonly method: string) {
    super(`no ingest endpoint ${method} ${path}`);
    this.name = 'UnknownIngestPathError';
  }
}

const JSON_TYPES = ['application/json'];

/**
 * The status a fully accepted request gets. kube-eventer's webhook sink and
 * notification-manager's webhook (pointed at `alertmanager`) count anything
 * but 200 as a failed send, so their endpoints answer 200; Alertmanager and
 * kubernetes-event-exporter accept any 2xx, so 200 suits them too. The API
 * server's audit webhook (client-go: 200-206), CloudEvents producers (the HTTP
 * binding names 200 and 202) and scripts keep 202: queued, not yet processed.
 */
export const SUCCESS_STATUS = {
  alertmanager: 200,
  events: 200,
  alerts: 202,
  audit: 202,
  cloudevents: 202,
} as const;

/**
 * Every format a cluster can send, at its own URL, and the success status each
 * sender reads as success (see SUCCESS_STATUS):
 *   POST alertmanager          Alertmanager webhook, notification-manager  -> 200 {accepted}
 *   POST api/v2/alerts         Alertmanager API v2 (Prometheus)            -> 200, empty body
 *   GET  api/v2/status         status probe (amtool, Prometheus UI)        -> 200
 *   POST alerts                generic JSON alerts                         -> 202
 *   POST events                Kubernetes events, event-exporter, kube-eventer -> 200
 *   POST audit                 API server audit webhook (EventList)        -> 202
 *   POST cloudevents           CloudEvents 1.0, structured/batched/binary  -> 202
 *   GET  rules                 the cluster's metric rule groups as a Prometheus rule file
 *                              (?format=prometheusrule: a PrometheusRule manifest), ETag  -> 200/304
 * Senders that cannot set headers put the token in the path: `t/<token>/<format>`.
 * Identity always comes from the credential; nothing is queued before it is checked,
 * and a 2xx is sent only once everything accepted is on its queue.
 */
export async function handleIngest(request: IngestRequest, deps: IngestDependencies): Promise<IngestResponse> {
  // An id no cluster can have is refused before the store sees a key it cannot hold.
  const clusterId = assertKeyPart(request.clusterId, 'clusterId');
  let path = request.path.replace(/^\/+|\/+$/g, '');
  let token = presentedToken(header(request.headers, 'authorization'));
  const inPath = /^t\/([^/]+)\/(.+)$/.exec(path);
  if (inPath !== null) {
    token = decodePathParameter(inPath[1]!, 'token');
    path = inPath[2]!;
  }
  const route = `${request.method.toUpperCase()} ${path}`;
  const known = ['POST alertmanager', 'POST api/v2/alerts', 'GET api/v2/status', 'POST alerts', 'POST events', 'POST audit', 'POST cloudevents', 'GET rules'];
  if (!known.includes(route)) throw new UnknownIngestPathError(path, request.method);

  const now = deps.now();
  const cluster = await authenticateCluster(deps.clusters, clusterId, token, now);
  await deps.rateLimiter?.take(cluster.id, now);
  if (cluster.signingSecrets !== undefined && cluster.signingSecrets.length > 0) await checkSignature(request, cluster.signingSecrets, deps, now);
  const source = { clusterName: cluster.name };

  switch (route) {
    case 'GET rules':
      return rulesFile(cluster, request, deps);
    case 'GET api/v2/status':
      return { status: 200, body: alertmanagerStatus({ startedAt: deps.startedAt, version: 'tidings-0.1.0' }) };
    case 'POST alertmanager': {
      const { alerts, issues } = parseAlertmanagerWebhook(json(request, deps), source, { now });
      await enqueueAlerts(cluster, alerts, deps.queue, now);
      return answer(SUCCESS_STATUS.alertmanager, alerts.length, issues);
    }
    case 'POST api/v2/alerts': {
      const { alerts, issues } = parsePostableAlerts(json(request, deps), source, { now });
      await enqueueAlerts(cluster, alerts, deps.queue, now);
      // Alertmanager answers 200 with an empty body; Prometheus reads nothing else.
      return issues.length === 0 ? { status: 200 } : answer(400, alerts.length, issues);
    }
    case 'POST alerts': {
      const { alerts, issues } = parseGenericAlerts(json(request, deps), source, { now });
      await enqueueAlerts(cluster, alerts, deps.queue, now);
      return answer(SUCCESS_STATUS.alerts, alerts.length, issues);
    }
    case 'POST events': {
      // kube-eventer's webhook sink sends no content type; its body is still JSON.
      const body = { ...request.body, contentType: request.body.contentType ?? 'application/json' };
      const { signals, issues } = parseKubernetesEvents(readJsonBody(body, { limitBytes: deps.limitBytes, acceptedTypes: JSON_TYPES }));
      await enqueueSignals(cluster, { events: signals, audit: [] }, deps, now);
      return answer(SUCCESS_STATUS.events, signals.length, issues);
    }
    case 'POST audit': {
      const { signals, issues } = parseKubernetesAuditEvents(json(request, deps));
      await enqueueSignals(cluster, { events: [], audit: signals }, deps, now);
      return answer(SUCCESS_STATUS.audit, signals.length, issues);
    }
    default: {
      const parsed = readCloudEventsRequest(request.body, request.headers, { limitBytes: deps.limitBytes });
      const classified = classifyCloudEvents(parsed.events, source, { now, batched: parsed.mode === 'batched' });
      await Promise.all([
        enqueueAlerts(cluster, classified.alerts, deps.queue, now),
        enqueueSignals(cluster, { events: classified.kubernetesEvents, audit: classified.auditEvents }, deps, now),
      ]);
      const accepted = classified.alerts.length + classified.kubernetesEvents.length + classified.auditEvents.length;
      return answer(SUCCESS_STATUS.cloudevents, accepted, [...parsed.issues, ...classified.issues]);
    }
  }
}

/**
 * The cluster's rule file. The PromQL parser and the YAML writer load here,
 * on first use, so that ingest's alert paths start without them.
 */
async function rulesFile(cluster: Cluster, request: IngestRequest, deps: IngestDependencies): Promise<IngestResponse> {
  if (deps.ruleSources === undefined) throw new UnknownIngestPathError('rules', request.method);
  const format = request.query?.format ?? 'prometheus';
  if (format !== 'prometheus' && format !== 'prometheusrule') {
    throw new InvalidPayloadError('invalid format', [{ field: 'format', message: 'must be prometheus (a rule file) or prometheusrule (a PrometheusRule manifest)' }]);
  }
  const { serveRulesFile } = await import('../metric-rules/rules-file.js');
  const ifNoneMatch = header(request.headers, 'if-none-match');
  const answer = await serveRulesFile(
    { accountId: cluster.accountId, name: cluster.name },
    { format, ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }) },
    deps.ruleSources,
  );
  return { status: answer.status, text: { body: answer.body, headers: { 'content-type': answer.contentType, etag: answer.etag, 'cache-control': 'no-cache' } } };
}

/** HMAC over the bytes as sent (before base64 or decompression), with the cluster's live signing secrets. */
async function checkSignature(request: IngestRequest, sealed: readonly string[], deps: IngestDependencies, now: Date): Promise<void> {
  if (deps.openSecret === undefined) throw new Error('request signing is configured but no secret opener was given');
  const secrets = await Promise.all(sealed.map((s) => deps.openSecret!(s)));
  const raw = request.body.body ?? '';
  verifyRequestSignature({
    body: request.body.isBase64Encoded ? Buffer.from(raw, 'base64') : raw,
    timestamp: header(request.headers, TIMESTAMP_HEADER),
    signature: header(request.headers, SIGNATURE_HEADER),
    secrets,
    now,
  });
}

function json(request: IngestRequest, deps: IngestDependencies): unknown {
  return readJsonBody(request.body, { limitBytes: deps.limitBytes, acceptedTypes: JSON_TYPES });
}

/** Valid items were queued; invalid ones, if any, are listed in a 400 so the sender knows exactly what was lost. */
function answer(success: number, accepted: number, issues: readonly FieldIssue[]): IngestResponse {
  if (issues.length === 0) return { status: success, body: { accepted } };
  const error = accepted === 0 ? 'every item is invalid; nothing was accepted' : 'some items are invalid; the valid ones were accepted';
  return { status: 400, body: { error, accepted, issues } };
}

async function enqueueSignals(
  cluster: Cluster,
  signals: { events: readonly KubernetesEventSignal[]; audit: readonly KubernetesAuditSignal[] },
  deps: IngestDependencies,
  now: Date,
): Promise<void> {
  const origin = { accountId: cluster.accountId, clusterId: cluster.id, clusterName: cluster.name };
  const bodies = [
    ...(signals.events.length > 0 ? signalBatchBodies(origin, { kind: 'kubernetes-event', items: signals.events }, now) : []),
    ...(signals.audit.length > 0 ? signalBatchBodies(origin, { kind: 'kubernetes-audit', items: signals.audit }, now) : []),
  ];
  if (bodies.length > 0) await deps.queue.send('signals', bodies);
}
