import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReceiverRef } from '../pipeline/messages.js';
import { VersionConflictError, type Receiver, type ReceiverStore } from '../receivers/receiver.js';

/** Receivers under their account's partition, so routing reads an account's receivers with one query. */
export class DynamoReceiverStore implements ReceiverStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ref: ReceiverRef): Promise<Receiver | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: `ACCOUNT#${ref.accountId}`, sk: sortKey(ref) } }),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  async listGlobal(accountId: string): Promise<Receiver[]> {
    const receivers: Receiver[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}`, ':prefix': 'RECEIVER#GLOBAL#' },
          ExclusiveStartKey: startKey,
        }),
      );
      receivers.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return receivers;
  }

  async put(receiver: Receiver, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `ACCOUNT#${receiver.accountId}`, sk: sortKey(receiver), ...receiver },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(`receiver ${receiver.name}`);
      throw error;
    }
  }
}

function sortKey(ref: { tenantId?: string; name: string }): string {
  return ref.tenantId === undefined ? `RECEIVER#GLOBAL#${ref.name}` : `RECEIVER#TENANT#${ref.tenantId}#${ref.name}`;
}

function fromItem(item: Record<string, unknown>): Receiver {
  const { pk: _pk, sk: _sk, ...receiver } = item;
  return receiver as unknown as Receiver;
}
