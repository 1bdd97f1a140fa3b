import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MetricsEndpoint, MetricsEndpointStore } from '../metric-rules/metrics-endpoint.js';
import { VersionConflictError } from '../receivers/receiver.js';

/**
 * Clusters' metrics endpoints in the config table, all under one partition
 * (`pk = METRICS_ENDPOINTS`, `sk = <account>#<cluster id>`), so the scheduled
 * evaluation finds every cluster to evaluate with one query.
 */
export class DynamoMetricsEndpointStore implements MetricsEndpointStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(accountId: string, clusterId: string): Promise<MetricsEndpoint | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key(accountId, clusterId), ConsistentRead: true }));
    return result.Item === undefined ? undefined : strip(result.Item);
  }

  async list(): Promise<MetricsEndpoint[]> {
    const endpoints: MetricsEndpoint[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PARTITION }, ExclusiveStartKey: startKey }),
      );
      endpoints.push(...(page.Items ?? []).map(strip));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return endpoints;
  }

  async put(endpoint: MetricsEndpoint, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...endpoint, ...key(endpoint.accountId, endpoint.clusterId) },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(`metrics endpoint of cluster ${endpoint.clusterId}`);
      throw error;
    }
  }

  async delete(accountId: string, clusterId: string): Promise<boolean> {
    const result = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key(accountId, clusterId), ReturnValues: 'ALL_OLD' }));
    return result.Attributes !== undefined;
  }
}

const PARTITION = 'METRICS_ENDPOINTS';

function key(accountId: string, clusterId: string) {
  return { pk: PARTITION, sk: `${accountId}#${clusterId}` };
}

function strip(item: Record<string, unknown>): MetricsEndpoint {
  const { pk: _pk, sk: _sk, ...endpoint } = item;
  return endpoint as unknown as MetricsEndpoint;
}
