import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GroupEvaluationState, RuleStateStore } from '../metric-rules/evaluate-cluster.js';

/**
 * The central evaluator's state in the state table: one item per (account,
 * cluster, group), `pk = RULESTATE#<account>#<cluster id>`, `sk = <group>`,
 * the alerts gzip-compressed (a group with thousands of series still fits
 * an item), written only over the version read.
 */
export class DynamoRuleStateStore implements RuleStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(accountId: string, clusterId: string, groupKey: string): Promise<GroupEvaluationState | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key(accountId, clusterId, groupKey), ConsistentRead: true }));
    if (result.Item === undefined) return undefined;
    return {
      evaluatedAt: result.Item.evaluatedAt as number,
      version: result.Item.version as number,
      rules: JSON.parse(gunzipSync(result.Item.rules as Uint8Array).toString('utf8')) as GroupEvaluationState['rules'],
    };
  }

  async put(accountId: string, clusterId: string, groupKey: string, state: GroupEvaluationState, expectedVersion: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(accountId, clusterId, groupKey), evaluatedAt: state.evaluatedAt, version: state.version, rules: gzipSync(JSON.stringify(state.rules)) },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function key(accountId: string, clusterId: string, groupKey: string) {
  return { pk: `RULESTATE#${accountId}#${clusterId}`, sk: groupKey };
}
