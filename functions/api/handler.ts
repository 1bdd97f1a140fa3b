import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handleApiRequest, type ApiDependencies } from '../../lib/api/api-routes.js';
import type { ApiRequest, Principal } from '../../lib/api/api-types.js';
import { bearerToken, parseTenantKey, verifyOperatorKey, verifyTenantKey } from '../../lib/api/principal.js';
import { configStores, ruleStores } from '../../lib/aws/dynamo-config.js';
import { DynamoClusterStore } from '../../lib/aws/dynamo-cluster-store.js';
import type { MetricRuleServices } from '../../lib/api/rule-groups-api.js';
import { DynamoHistoryStore } from '../../lib/aws/dynamo-history-store.js';
import { readJsonBody } from '../../lib/http/request-body.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { lazyAlertPathStore } from './lazy-alert-paths.js';
import type { ReplayFilter } from '../../lib/pipeline/dead-letters.js';
import type { QueueName } from '../../lib/pipeline/queue.js';
import { integerEnv, listEnv, requireEnv } from '../shared/environment.js';
import { secretSealer } from '../shared/secrets.js';
import { AddressPolicy } from '../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../lib/net/outbound-http.js';
import { header } from '../../lib/http/headers.js';
import { errorResponse, json, rawBody, type HttpResponse } from '../shared/http.js';
import { withLazyModules } from '../../lib/pipeline/lazy-module.js';
import { sqsClientModule } from '../shared/lazy-sqs.js';
import { createLogger } from '../shared/logger.js';
import { lazyAwsChannelServices, lazyChannelRegistry } from './lazy-channels.js';

// The console's files are served by a module loaded with the first console request.
const consoleAssets = () => import('./console-assets.js');

/** Whether a request path is the console's. */
const isConsolePath = (path: string) => path === '/console' || path.startsWith('/console/');

const logger = createLogger('api');

let dependencies: (ApiDependencies & { operatorKeyHash: Buffer }) | undefined;
function createDependencies() {
  const documents = dynamoDocumentClient();
  const configTable = requireEnv('CONFIG_TABLE');
  const policy = new AddressPolicy(listEnv('OUTBOUND_ALLOW_CIDRS'));
  let metricRules: Promise<MetricRuleServices> | undefined;
  return {
    stores: configStores(documents, { config: configTable, state: requireEnv('STATE_TABLE') }),
    rules: ruleStores(documents, configTable),
    // Only the metric rule routes use these: their code (and the SigV4 signer) loads with the first of them.
    metricRules: () => (metricRules ??= import('./metric-rule-services.js').then((m) => m.metricRuleServices(documents))),
    clusters: new DynamoClusterStore(documents, configTable),
    history: new DynamoHistoryStore(documents, requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400),
    // Channels load with the first request about receivers or configs.
    channels: lazyChannelRegistry,
    paths: lazyAlertPathStore(documents, requireEnv('HISTORY_TABLE'), integerEnv('HISTORY_RETENTION_DAYS', 30) * 86_400),
    // Replaying dead letters is rare: its SQS code loads when first needed.
    replay: async (queue: QueueName, filter: ReplayFilter, limit: number) => {
      const urls = { deadLetterUrl: requireEnv(`${queue.toUpperCase()}_DLQ_URL`), sourceUrl: requireEnv(`${queue.toUpperCase()}_QUEUE_URL`) };
      const [{ replayDeadLetters }, { sqs }] = await Promise.all([import('../../lib/aws/dead-letter-replay.js'), sqsClientModule.load()]);
      return replayDeadLetters(sqs(), urls, filter, { limit });
    },
    sealer: secretSealer(),
    channelContext: {
      http: createOutboundHttp({ policy, userAgent: 'tidings/0.1' }),
      addressPolicy: policy,
      now: () => new Date(),
      externalURL: requireEnv('PUBLIC_URL'),
      aws: lazyAwsChannelServices,
    },
    now: () => new Date(),
    publicUrl: requireEnv('PUBLIC_URL'),
    startedAt: new Date(),
    operatorKeyHash: Buffer.from(requireEnv('ADMIN_KEY_SHA256'), 'hex'),
  };
}

/** Who the key belongs to: the operator, a tenant (key checked against its stored hash), or nobody. */
async function authenticate(event: APIGatewayProxyEventV2, deps: NonNullable<typeof dependencies>): Promise<Principal | undefined> {
  const token = bearerToken(header(event.headers, 'authorization'));
  if (token === undefined) return undefined;
  const tenantKey = parseTenantKey(token);
  if (tenantKey === undefined) return verifyOperatorKey(token, deps.operatorKeyHash) ? { kind: 'operator' } : undefined;
  const tenant = await deps.stores.tenants.get(tenantKey.accountId, tenantKey.tenantId);
  if (tenant === undefined || !verifyTenantKey(tenant, tenantKey)) return undefined;
  return { kind: 'tenant', accountId: tenantKey.accountId, tenantId: tenantKey.tenantId };
}

function queryAll(rawQueryString: string, name: string): string[] {
  return [...new URLSearchParams(rawQueryString)].filter(([key]) => key === name).map(([, value]) => value);
}

/** The admin and tenant API, the Alertmanager v2 API per account and tenant, and the web console's files. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event) => {
  try {
    // The web console's static files: public, served before any key is asked for.
    if (isConsolePath(event.rawPath)) return await (await consoleAssets()).serveConsole(event.requestContext.http.method, event.rawPath);
    dependencies ??= createDependencies();
    const principal = await authenticate(event, dependencies);
    if (principal === undefined) {
      return json(401, { error: 'missing or invalid API key' }, { 'www-authenticate': 'Bearer realm="tidings"' });
    }
    const request: ApiRequest = {
      method: event.requestContext.http.method,
      path: event.rawPath,
      query: event.queryStringParameters ?? {},
      queryAll: (name) => queryAll(event.rawQueryString, name),
      header: (name) => header(event.headers, name),
      json: () => readJsonBody(rawBody(event), { limitBytes: 256 * 1024, acceptedTypes: ['application/json'] }),
      principal,
    };
    // API operations validate (compile matchers, rules, schedules) before they write, so one that first needs RE2 or croner may run again once it is loaded.
    const response = await withLazyModules(() => handleApiRequest(request, dependencies!));
    if (response.body === undefined) return { statusCode: response.status, headers: response.headers ?? {} };
    return json(response.status, response.body, response.headers);
  } catch (error) {
    return errorResponse(error, logger);
  }
});
