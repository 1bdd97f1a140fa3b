import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DynamoClusterStore } from '../../lib/aws/dynamo-cluster-store.js';
import { authenticateCluster } from '../../lib/clusters/authenticate.js';
import { presentedToken } from '../../lib/clusters/credentials.js';
import { readJsonBody } from '../../lib/http/request-body.js';
import { parseAlertmanagerWebhook } from '../../lib/ingest/alertmanager-webhook.js';
import { enqueueAlerts } from '../../lib/ingest/ingest-alerts.js';
import { dynamoDocumentClient, queuePublisher } from '../shared/aws-clients.js';
import { integerEnv, requireEnv } from '../shared/environment.js';
import { errorResponse, header, HttpError, json, rawBody, type HttpResponse } from '../shared/http.js';
import { createLogger } from '../shared/logger.js';

const logger = createLogger('ingest');

let dependencies: ReturnType<typeof createDependencies> | undefined;
function createDependencies() {
  return {
    clusters: new DynamoClusterStore(dynamoDocumentClient(), requireEnv('CONFIG_TABLE')),
    queue: queuePublisher('alerts'),
    limitBytes: integerEnv('INGEST_MAX_BODY_BYTES', 1024 * 1024),
  };
}

/** `POST /ingest/{clusterId}/alertmanager`: an Alertmanager webhook (version 4) from one cluster. */
export const handler = middy<APIGatewayProxyEventV2, HttpResponse>().handler(async (event) => {
  try {
    dependencies ??= createDependencies();
    const { clusters, queue, limitBytes } = dependencies;
    const format = event.pathParameters?.proxy;
    if (format !== 'alertmanager') throw new HttpError(404, `no ingest endpoint ${format ?? ''}`);
    if (event.requestContext.http.method !== 'POST') throw new HttpError(405, 'use POST');
    const now = new Date();
    const cluster = await authenticateCluster(
      clusters,
      event.pathParameters?.clusterId ?? '',
      presentedToken(header(event, 'authorization')),
      now,
    );
    const body = readJsonBody(rawBody(event), { limitBytes, acceptedTypes: ['application/json'] });
    const { alerts, issues } = parseAlertmanagerWebhook(body, { clusterName: cluster.name });
    await enqueueAlerts(cluster, alerts, queue, now);
    logger.info('alerts accepted', { clusterId: cluster.id, accepted: alerts.length, rejected: issues.length });
    if (issues.length > 0) {
      return json(400, { error: 'some alerts are invalid; the valid ones were accepted', accepted: alerts.length, issues });
    }
    return json(202, { accepted: alerts.length });
  } catch (error) {
    return errorResponse(error, logger);
  }
});
