import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryPage, HistoryQuery, HistoryStore, NotificationRecord } from '../history/notification-record.js';

/** Thrown for a cursor that was not issued for this query. */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is invalid for this query');
    this.name = 'InvalidCursorError';
  }
}

/**
 * Notification history: one item per notification under its account,
 * sorted by creation time so "newest first" is a reverse query; expired by
 * DynamoDB TTL after the retention period, and filtered on read because TTL
 * deletion lags by up to days.
 */
export class DynamoHistoryStore implements HistoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(accountId: string, record: NotificationRecord): Promise<void> {
    const receiverKey = record.receiver.tenantId === undefined ? `GLOBAL#${record.receiver.name}` : `TENANT#${record.receiver.tenantId}#${record.receiver.name}`;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `ACCOUNT#${accountId}`,
          sk: `${record.createdAt}#${record.notificationId}`,
          gsi1pk: `ACCOUNT#${accountId}#RECEIVER#${receiverKey}`,
          gsi1sk: `${record.createdAt}#${record.notificationId}`,
          ...(record.receiver.tenantId === undefined
            ? {}
            : { gsi2pk: `ACCOUNT#${accountId}#TENANT#${record.receiver.tenantId}`, gsi2sk: `${record.createdAt}#${record.notificationId}` }),
          expiresAt: Math.floor(Date.parse(record.createdAt) / 1000) + this.retentionSeconds,
          ...record,
        },
      }),
    );
  }

  async list(accountId: string, options: HistoryQuery): Promise<HistoryPage> {
    const { index, attribute, partition } =
      options.tenantId !== undefined
        ? { index: 'gsi2', attribute: 'gsi2pk', partition: `ACCOUNT#${accountId}#TENANT#${options.tenantId}` }
        : { index: undefined, attribute: 'pk', partition: `ACCOUNT#${accountId}` };
    const startKey = options.cursor === undefined ? undefined : decodeCursor(options.cursor, attribute, partition);
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ...(index === undefined ? {} : { IndexName: index }),
        KeyConditionExpression: `${attribute} = :pk`,
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':pk': partition, ':now': Math.floor(this.now().getTime() / 1000) },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (page.Items ?? []).map(fromItem);
    return page.LastEvaluatedKey === undefined ? { items } : { items, cursor: encodeCursor(page.LastEvaluatedKey) };
  }
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor only continues the query it came from: its partition must be the one asked for. */
function decodeCursor(cursor: string, attribute: string, partition: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key[attribute] !== partition || Object.values(key).some((value) => typeof value !== 'string')) throw new InvalidCursorError();
    if (attribute !== 'pk' && !String(key.pk).startsWith(`ACCOUNT#`)) throw new InvalidCursorError();
    return key;
  } catch {
    throw new InvalidCursorError();
  }
}

function fromItem(item: Record<string, unknown>): NotificationRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, expiresAt: _e, ...record } = item;
  return record as unknown as NotificationRecord;
}
