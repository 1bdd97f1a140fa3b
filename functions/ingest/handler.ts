import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoClusterStore } from '../../lib/aws/dynamo-cluster-store.js';
import { DynamoRateLimiter } from '../../lib/aws/dynamo-rate-limiter.js';
import { DynamoAccessIndex } from '../../lib/aws/dynamo-access-index.js';
import { DynamoObjectStore } from '../../lib/aws/dynamo-object-store.js';
import { ruleGroupStore } from '../../lib/aws/rule-group-keys.js';
import type { StoredRuleGroup } from '../../lib/metric-rules/rule-group.js';
import { handleIngest, UnknownIngestPathError, type IngestDependencies } from '../../lib/ingest/ingest-request.js';
import { RateLimitedError } from '../../lib/ingest/rate-limit.js';
import { RequestSignatureError } from '../../lib/ingest/request-signing.js';
import { secretSealer } from '../shared/secrets.js';
import { dynamoDocumentClient } from '../shared/aws-clients.js';
import { queuePublisher } from '../shared/sqs-client.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { isDependencyFailure, withDeadline } from '../shared/dependency-failure.js';
import { errorResponse, json, rawBody, type HttpResponse } from '../shared/http.js';
import { createLogger } from '../shared/logger.js';

const logger = createLogger('ingest');
const ANSWER_MARGIN_MS = 1000;
const RETRY_AFTER_SECONDS = 2;

let dependencies: IngestDependencies | undefined;
function createDependencies(): IngestDependencies {
  const documents = dynamoDocumentClient();
  const access = new DynamoAccessIndex(documents, requireEnv('CONFIG_TABLE'));
  return {
    clusters: new DynamoClusterStore(documents, requireEnv('CONFIG_TABLE')),
    ruleSources: {
      ruleGroups: ruleGroupStore(new DynamoObjectStore<StoredRuleGroup>(documents, requireEnv('CONFIG_TABLE'), 'RULEGROUP')),
      tenantsOf: (accountId, cluster, namespace) => access.tenantsOf(accountId, cluster, namespace),
    },
    queue: queuePublisher(['signals', 'alerts']),
    openSecret: (sealed: string) => secretSealer().open(sealed),
    rateLimiter: new DynamoRateLimiter(documents, requireEnv('STATE_TABLE'), integerEnv('INGEST_RATE_LIMIT_PER_MINUTE', 1200)),
    limitBytes: integerEnv('INGEST_MAX_BODY_BYTES', 1024 * 1024),
    now: () => new Date(),
    startedAt: new Date(),
  };
}

/** `/ingest/{clusterId}/{format}`: every signal a cluster sends; see lib/ingest/ingest-request.ts for the formats. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event, context) => {
  try {
    dependencies ??= createDependencies();
    // Answer 503 ourselves a second before the function timeout would turn a slow dependency into a bare 500.
    const remainingMs = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 10_000;
    const budgetMs = Math.max(1000, remainingMs - ANSWER_MARGIN_MS);
    const response = await withDeadline(handleIngest(
      {
        clusterId: event.pathParameters?.clusterId ?? '',
        path: event.pathParameters?.proxy ?? '',
        method: event.requestContext.http.method,
        headers: event.headers ?? {},
        body: rawBody(event),
        query: event.queryStringParameters ?? {},
      },
      dependencies,
    ), budgetMs);
    logger.debug('ingest answered', { clusterId: event.pathParameters?.clusterId, status: response.status });
    if (response.text !== undefined) return { statusCode: response.status, headers: response.text.headers, body: response.text.body };
    return response.body === undefined ? { statusCode: response.status, body: '' } : json(response.status, response.body);
  } catch (error) {
    if (error instanceof UnknownIngestPathError) return json(404, { error: error.message });
    if (error instanceof RequestSignatureError) return json(401, { error: error.message });
    if (error instanceof RateLimitedError) return json(429, { error: error.message }, { 'retry-after': String(error.retryAfterSeconds) });
    if (isDependencyFailure(error)) {
      // Nothing or not everything was queued; the same request, sent again, is safe.
      logger.warn('ingest dependency unavailable', { error: (error as Error).message });
      return json(503, { error: 'temporarily unavailable; retry' }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    }
    return errorResponse(error, logger);
  }
});
