import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GroupEvaluationState, RuleStateStore } from '../metric-rules/evaluate-cluster.js';

/**
 * The central evaluator's state in the state table: one item per (account,
 * cluster, group), `pk = RULESTATE#<account>#<cluster id>`, `sk = <group>`,
 * the alerts gzip-compressed (a group with thousands of series still fits
 * an item), written only over the version read. A cluster's groups share a
 * partition, so one query reads them all and finds the stale ones.
 */
export class DynamoRuleStateStore implements RuleStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(accountId: string, clusterId: string): Promise<Map<string, GroupEvaluationState>> {
    const states = new Map<string, GroupEvaluationState>();
    for await (const item of this.items(accountId, clusterId, false)) {
      states.set(item.sk as string, {
        evaluatedAt: item.evaluatedAt as number,
        version: item.version as number,
        ...(typeof item.groupCreatedAt === 'string' ? { groupCreatedAt: item.groupCreatedAt } : {}),
        rules: JSON.parse(gunzipSync(item.rules as Uint8Array).toString('utf8')) as GroupEvaluationState['rules'],
      });
    }
    return states;
  }

  async put(accountId: string, clusterId: string, groupKey: string, state: GroupEvaluationState, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(accountId, clusterId, groupKey),
            evaluatedAt: state.evaluatedAt,
            version: state.version,
            ...(state.groupCreatedAt === undefined ? {} : { groupCreatedAt: state.groupCreatedAt }),
            rules: gzipSync(JSON.stringify(state.rules)),
          },
          ...versionCondition(expectedVersion),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async delete(accountId: string, clusterId: string, groupKey: string, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: key(accountId, clusterId, groupKey), ...versionCondition(expectedVersion) }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async deleteCluster(accountId: string, clusterId: string): Promise<number> {
    const keys: Array<Record<string, unknown>> = [];
    for await (const item of this.items(accountId, clusterId, true)) keys.push({ pk: item.pk, sk: item.sk });
    // A cluster has one item per group it evaluates: a few dozen deletes at most.
    await Promise.all(keys.map((Key) => this.client.send(new DeleteCommand({ TableName: this.tableName, Key }))));
    return keys.length;
  }

  private async *items(accountId: string, clusterId: string, keysOnly: boolean): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': partition(accountId, clusterId) },
          ConsistentRead: true,
          ...(keysOnly ? { ProjectionExpression: 'pk, sk' } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
}

function partition(accountId: string, clusterId: string): string {
  return `RULESTATE#${accountId}#${clusterId}`;
}

function key(accountId: string, clusterId: string, groupKey: string) {
  return { pk: partition(accountId, clusterId), sk: groupKey };
}

function versionCondition(expectedVersion: number) {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } };
}
