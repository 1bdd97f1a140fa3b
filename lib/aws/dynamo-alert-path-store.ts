import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchWriteCommand, QueryCommand, type BatchWriteCommandInput, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertPathEntry, AlertPathStore } from '../history/alert-path.js';
import { InvalidCursorError } from './dynamo-history-store.js';

/**
 * Alert paths in the history table, one partition per alert
 * (`pk = ALERT#<account>#<fingerprint>`), so "what happened to this alert"
 * is one query, newest first; expired with the account's history retention.
 */
export class DynamoAlertPathStore implements AlertPathStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionSeconds: number,
  ) {}

  async record(accountId: string, entries: readonly AlertPathEntry[]): Promise<void> {
    // One random part per call, made unique per entry by its index: a random draw per entry cost more than the rest.
    const nonce = randomBytes(4).toString('hex');
    const items = entries.map((entry, index) => ({
      PutRequest: {
        Item: {
          pk: `ALERT#${accountId}#${entry.fingerprint}`,
          sk: `${entry.at}#${entry.stage}#${nonce}${index.toString(36)}`,
          // Compressed bytes rather than a nested map: a fraction of the marshalling work, and a step naming
          // ten receivers stays under the 1 KB of one write unit (as a map or as plain JSON it took two).
          entry: gzipSync(JSON.stringify(entry)),
          expiresAt: Math.floor(Date.parse(entry.at) / 1000) + this.retentionSeconds,
        },
      },
    }));
    for (let i = 0; i < items.length; i += 25) {
      let pending: BatchWriteCommandInput['RequestItems'] = { [this.tableName]: items.slice(i, i + 25) };
      for (let attempt = 0; pending !== undefined && Object.keys(pending).length > 0; attempt++) {
        if (attempt > 5) throw new Error('alert path could not be recorded: DynamoDB kept returning unprocessed items');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const result: BatchWriteCommandOutput = await this.client.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = result.UnprocessedItems;
      }
    }
  }

  async list(accountId: string, fingerprint: string, options: { limit: number; cursor?: string }) {
    const pk = `ALERT#${accountId}#${fingerprint}`;
    let startKey: Record<string, unknown> | undefined;
    if (options.cursor !== undefined) {
      try {
        startKey = JSON.parse(Buffer.from(options.cursor, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError();
      }
      if (startKey?.pk !== pk) throw new InvalidCursorError();
    }
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (page.Items ?? []).map((item) => storedEntry(item.entry));
    return page.LastEvaluatedKey === undefined ? { items } : { items, cursor: Buffer.from(JSON.stringify(page.LastEvaluatedKey)).toString('base64url') };
  }
}

/** A step as stored: compressed JSON, or a map as versions before 2026-12-02 wrote it. */
function storedEntry(stored: unknown): AlertPathEntry {
  return (stored instanceof Uint8Array ? JSON.parse(gunzipSync(stored).toString('utf8')) : stored) as AlertPathEntry;
}
