import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimOutcome, DeliveryClaims, HistoryEntry } from '../notify/delivery-claims.js';
import { putAll } from './batch-write.js';
import type { DynamoHistoryStore } from './dynamo-history-store.js';

/** Claims outlive every redelivery and replay window that could repeat a notification. */
const CLAIM_RETENTION_SECONDS = 14 * 86_400;

/** Delivery claims in the state table: one conditional write decides who sends. */
export class DynamoDeliveryClaims implements DeliveryClaims {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Where a finished claim's history record goes, in the same request. */
    private readonly history: Pick<DynamoHistoryStore, 'putRequest'>,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(notificationId: string, leaseMs: number): Promise<ClaimOutcome> {
    const now = this.now();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(notificationId),
            status: 'sending',
            leaseUntil: now + leaseMs,
            expiresAt: Math.floor(now / 1000) + CLAIM_RETENTION_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return error.Item?.status?.S === 'done' ? 'done' : 'busy';
    }
  }

  /**
   * One BatchWriteItem: the claim, done (replacing the lease), and the history
   * record. Should that fail, the claim alone is still marked done before the
   * error goes on: the message was sent, and a retry must find it done rather
   * than send it again (its history record is then missing, as before when
   * history could not be written).
   */
  async finish(notificationId: string, history: HistoryEntry): Promise<void> {
    const done = { ...key(notificationId), status: 'done', expiresAt: Math.floor(this.now() / 1000) + CLAIM_RETENTION_SECONDS };
    const record = this.history.putRequest(history.accountId, history.record, history.retentionDays);
    try {
      await putAll(this.client, [{ TableName: this.tableName, Item: done }, record], 'delivery outcome');
    } catch (error) {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: done })).catch(() => undefined);
      throw error;
    }
  }

  async release(notificationId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: key(notificationId),
        ConditionExpression: '#status = :sending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sending': 'sending' },
      }),
    ).catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }
}

function key(notificationId: string) {
  return { pk: `NOTIFICATION#${notificationId}`, sk: 'CLAIM' };
}
