import { gunzipSync, gzipSync } from 'node:zlib';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fingerprintFilter, HEX_FINGERPRINT } from './packed-fingerprints.js';
import type { HistoryPage, HistoryQuery, HistoryStore, NotificationRecord } from '../history/notification-record.js';
import type { PutRequest } from './batch-write.js';

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
 * deletion lags by up to days. Items are kept small because each is written
 * to the table and an index at every attempt: the rendered message is stored
 * gzip-compressed, and Alertmanager fingerprints (16 hex digits) as a binary
 * set of 8-byte values, which `contains` still searches.
 */
export class DynamoHistoryStore implements HistoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(accountId: string, record: NotificationRecord, retentionDays?: number): Promise<void> {
    await this.client.send(new PutCommand(this.putRequest(accountId, record, retentionDays)));
  }

  /** The write of one record, for {@link record} and for writing it in a batch with other items. */
  putRequest(accountId: string, record: NotificationRecord, retentionDays?: number): PutRequest {
    const retention = retentionDays === undefined ? this.retentionSeconds : retentionDays * 86_400;
    const receiverKey = record.receiver.tenantId === undefined ? `GLOBAL#${record.receiver.name}` : `TENANT#${record.receiver.tenantId}#${record.receiver.name}`;
    return {
      TableName: this.tableName,
      Item: {
        pk: `ACCOUNT#${accountId}`,
        sk: `${record.createdAt}#${record.notificationId}`,
        gsi1pk: `ACCOUNT#${accountId}#RECEIVER#${receiverKey}`,
        gsi1sk: `${record.createdAt}#${record.notificationId}`,
        ...(record.receiver.tenantId === undefined
          ? {}
          : { gsi2pk: `ACCOUNT#${accountId}#TENANT#${record.receiver.tenantId}`, gsi2sk: `${record.createdAt}#${record.notificationId}` }),
        expiresAt: Math.floor(Date.parse(record.createdAt) / 1000) + retention,
        ...compactRecord(record),
      },
    };
  }

  /**
   * Access patterns: the account's notifications (table), one receiver's
   * (gsi1), one tenant's (gsi2), each newest (or oldest) first and narrowed to a time
   * range on the sort key; status, channel and alertname filter the pages read.
   */
  async list(accountId: string, options: HistoryQuery): Promise<HistoryPage> {
    const receiverKey = options.receiver === undefined ? undefined : receiverKeyOf(options.receiver, options.tenantId);
    const { index, attribute, sortAttribute, partition } =
      receiverKey !== undefined
        ? { index: 'gsi1', attribute: 'gsi1pk', sortAttribute: 'gsi1sk', partition: `ACCOUNT#${accountId}#RECEIVER#${receiverKey}` }
        : options.tenantId !== undefined
          ? { index: 'gsi2', attribute: 'gsi2pk', sortAttribute: 'gsi2sk', partition: `ACCOUNT#${accountId}#TENANT#${options.tenantId}` }
          : { index: undefined, attribute: 'pk', sortAttribute: 'sk', partition: `ACCOUNT#${accountId}` };
    const startKey = options.cursor === undefined ? undefined : decodeCursor(options.cursor, attribute, partition);
    const values: Record<string, unknown> = { ':pk': partition, ':now': Math.floor(this.now().getTime() / 1000) };
    let keyCondition = `${attribute} = :pk`;
    // Sort keys are `<createdAt>#<id>`: a time range is a key condition, not a filter.
    if (options.from !== undefined && options.to !== undefined) {
      keyCondition += ` AND ${sortAttribute} BETWEEN :from AND :to`;
      Object.assign(values, { ':from': options.from, ':to': `${options.to}~` });
    } else if (options.from !== undefined) {
      keyCondition += ` AND ${sortAttribute} >= :from`;
      values[':from'] = options.from;
    } else if (options.to !== undefined) {
      keyCondition += ` AND ${sortAttribute} <= :to`;
      values[':to'] = `${options.to}~`;
    }
    const filters = ['expiresAt > :now'];
    const names: Record<string, string> = {};
    if (options.status !== undefined) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = options.status;
    }
    if (options.channel !== undefined) {
      filters.push('channel = :channel');
      values[':channel'] = options.channel;
    }
    if (options.alertname !== undefined) {
      filters.push('contains(alertnames, :alertname)');
      values[':alertname'] = options.alertname;
    }
    if (options.fingerprint !== undefined) {
      const match = fingerprintFilter(options.fingerprint);
      filters.push(match.expression);
      Object.assign(values, match.values);
    }
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ...(index === undefined ? {} : { IndexName: index }),
        KeyConditionExpression: keyCondition,
        FilterExpression: filters.join(' AND '),
        ...(Object.keys(names).length === 0 ? {} : { ExpressionAttributeNames: names }),
        ExpressionAttributeValues: values,
        ScanIndexForward: options.oldestFirst === true,
        Limit: options.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (page.Items ?? []).map(fromItem);
    return page.LastEvaluatedKey === undefined ? { items } : { items, cursor: encodeCursor(page.LastEvaluatedKey) };
  }
}

/** The receiver part of gsi1's key, as `record` writes it; a tenant's query can only name its own receivers. */
function receiverKeyOf(receiver: string, tenantId: string | undefined): string {
  const slash = receiver.indexOf('/');
  if (tenantId !== undefined) return `TENANT#${tenantId}#${slash === -1 ? receiver : receiver.slice(slash + 1)}`;
  return slash === -1 ? `GLOBAL#${receiver}` : `TENANT#${receiver.slice(0, slash)}#${receiver.slice(slash + 1)}`;
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

/** The record as stored: message compressed, fingerprints packed when they all are Alertmanager's. */
function compactRecord(record: NotificationRecord): Record<string, unknown> {
  const { message, fingerprints, ...rest } = record;
  const packed = fingerprints.length > 0 && fingerprints.every((fp) => HEX_FINGERPRINT.test(fp));
  return {
    ...rest,
    ...(packed ? { fingerprintBytes: new Set(fingerprints.map((fp) => Buffer.from(fp, 'hex'))) } : { fingerprints }),
    ...(message === undefined ? {} : { messageGz: gzipSync(message) }),
  };
}

function fromItem(item: Record<string, unknown>): NotificationRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, expiresAt: _e, messageGz, fingerprintBytes, ...rest } = item;
  const record = rest as unknown as NotificationRecord;
  if (fingerprintBytes instanceof Set) {
    record.fingerprints = [...(fingerprintBytes as Set<Uint8Array>)].map((bytes) => Buffer.from(bytes).toString('hex')).sort();
  }
  if (messageGz instanceof Uint8Array) record.message = gunzipSync(messageGz).toString('utf8');
  return record;
}
