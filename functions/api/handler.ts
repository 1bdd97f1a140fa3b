import { createHash, timingSafeEqual } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  createCluster,
  getGlobalReceiver,
  listClusters,
  listGlobalReceivers,
  listHistory,
  putGlobalReceiver,
  validateAccountId,
  type AdminDependencies,
} from '../../lib/admin/admin-service.js';
import { DynamoClusterStore } from '../../lib/aws/dynamo-cluster-store.js';
import { DynamoHistoryStore } from '../../lib/aws/dynamo-history-store.js';
import { DynamoReceiverStore } from '../../lib/aws/dynamo-receiver-store.js';
import { MalformedBodyError, readJsonBody } from '../../lib/http/request-body.js';
import { channelRegistry } from '../../lib/notify/channel-registry.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { errorResponse, header, HttpError, json, rawBody, type HttpResponse } from '../shared/http.js';
import { createLogger } from '../shared/logger.js';

const logger = createLogger('api');

let dependencies: (AdminDependencies & { adminKeyHash: Buffer }) | undefined;
function createDependencies() {
  const documents = dynamoDocumentClient();
  const configTable = requireEnv('CONFIG_TABLE');
  return {
    clusters: new DynamoClusterStore(documents, configTable),
    receivers: new DynamoReceiverStore(documents, configTable),
    history: new DynamoHistoryStore(documents, requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400),
    channels: channelRegistry,
    now: () => new Date(),
    publicUrl: requireEnv('PUBLIC_URL'),
    adminKeyHash: Buffer.from(requireEnv('ADMIN_KEY_SHA256'), 'hex'),
  };
}

type Route = (params: string[], event: APIGatewayProxyEventV2, deps: AdminDependencies) => Promise<HttpResponse>;

const jsonBody = (event: APIGatewayProxyEventV2) =>
  readJsonBody(rawBody(event), { limitBytes: 256 * 1024, acceptedTypes: ['application/json'] });

/** Method + path pattern -> use case. Path parameters are the captured groups, in order. */
const routes: Array<[string, RegExp, Route]> = [
  ['POST', /^\/v1\/accounts\/([^/]+)\/clusters$/, async ([account], event, deps) =>
    json(201, await createCluster(validateAccountId(account!), jsonBody(event), deps))],
  ['GET', /^\/v1\/accounts\/([^/]+)\/clusters$/, async ([account], _event, deps) =>
    json(200, { items: await listClusters(validateAccountId(account!), deps) })],
  ['GET', /^\/v1\/accounts\/([^/]+)\/receivers$/, async ([account], _event, deps) =>
    json(200, { items: await listGlobalReceivers(validateAccountId(account!), deps) })],
  ['GET', /^\/v1\/accounts\/([^/]+)\/receivers\/([^/]+)$/, async ([account, name], _event, deps) => {
    const receiver = await getGlobalReceiver(validateAccountId(account!), name!, deps);
    if (receiver === undefined) throw new HttpError(404, `no receiver ${name}`);
    return json(200, receiver, { etag: `"${receiver.version}"` });
  }],
  ['PUT', /^\/v1\/accounts\/([^/]+)\/receivers\/([^/]+)$/, async ([account, name], event, deps) => {
    const receiver = await putGlobalReceiver(validateAccountId(account!), name!, jsonBody(event), ifMatchVersion(event), deps);
    return json(receiver.version === 1 ? 201 : 200, receiver, { etag: `"${receiver.version}"` });
  }],
  ['GET', /^\/v1\/accounts\/([^/]+)\/history$/, async ([account], event, deps) =>
    json(200, await listHistory(validateAccountId(account!), event.queryStringParameters ?? {}, deps))],
];

/** `If-Match: "3"` names the version an update replaces; `*` or absence means "whatever is there now". */
function ifMatchVersion(event: APIGatewayProxyEventV2): number | undefined {
  const value = header(event, 'if-match');
  if (value === undefined || value.trim() === '*') return undefined;
  const version = Number(value.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(version) || version < 0) throw new MalformedBodyError('If-Match must be a version number such as "3"');
  return version;
}

/** Compares the presented key's hash with the configured hash in constant time. */
function isAdmin(event: APIGatewayProxyEventV2, expectedHash: Buffer): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header(event, 'authorization') ?? '');
  if (match === null) return false;
  const presented = createHash('sha256').update(match[1]!).digest();
  return presented.length === expectedHash.length && timingSafeEqual(presented, expectedHash);
}

/** The admin API: clusters, receivers and history, behind the operator key. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event) => {
  try {
    dependencies ??= createDependencies();
    if (!isAdmin(event, dependencies.adminKeyHash)) {
      return json(401, { error: 'missing or invalid API key' }, { 'www-authenticate': 'Bearer realm="tidings"' });
    }
    const method = event.requestContext.http.method;
    const path = event.rawPath;
    let pathMatched = false;
    for (const [routeMethod, pattern, route] of routes) {
      const match = pattern.exec(path);
      if (match === null) continue;
      pathMatched = true;
      if (routeMethod !== method) continue;
      return await route(match.slice(1).map(decodeURIComponent), event, dependencies);
    }
    throw pathMatched ? new HttpError(405, `method ${method} not allowed on ${path}`) : new HttpError(404, `no route ${path}`);
  } catch (error) {
    return errorResponse(error, logger);
  }
});
