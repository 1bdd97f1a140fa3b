import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Cluster, ClusterStore } from '../clusters/cluster.js';

/**
 * Clusters in the config table: keyed by id (ingest looks one up per request,
 * with a strongly consistent read so a new cluster works at once) and indexed
 * by account for listing.
 */
export class DynamoClusterStore implements ClusterStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(clusterId: string): Promise<Cluster | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `CLUSTER#${clusterId}`, sk: 'CLUSTER' }, ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  async create(cluster: Cluster): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: toItem(cluster), ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async replace(cluster: Cluster): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: toItem(cluster), ConditionExpression: 'attribute_exists(pk)' }));
  }

  async listByAccount(accountId: string): Promise<Cluster[]> {
    const clusters: Cluster[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}#CLUSTERS` },
          ExclusiveStartKey: startKey,
        }),
      );
      clusters.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return clusters;
  }
}

function toItem(cluster: Cluster): Record<string, unknown> {
  return { pk: `CLUSTER#${cluster.id}`, sk: 'CLUSTER', gsi1pk: `ACCOUNT#${cluster.accountId}#CLUSTERS`, gsi1sk: cluster.name, ...cluster };
}

function fromItem(item: Record<string, unknown>): Cluster {
  return {
    id: item.id as string,
    accountId: item.accountId as string,
    name: item.name as string,
    tokens: item.tokens as Cluster['tokens'],
    ...(item.signingSecrets === undefined ? {} : { signingSecrets: item.signingSecrets as string[] }),
    createdAt: item.createdAt as string,
  };
}
