import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SpillStore } from '../pipeline/spill.js';

/** Spilled bodies outlive every retry and the DLQ's 14 days. */
const SPILL_RETENTION_SECONDS = 15 * 86_400;

/** Spilled message bodies in the state table, gzip-compressed (a 4 MB notification fits DynamoDB's 400 KB items). */
export class DynamoSpillStore implements SpillStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(key: string, body: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `SPILL#${key}`, sk: 'BODY', body: gzipSync(body), expiresAt: Math.floor(Date.now() / 1000) + SPILL_RETENTION_SECONDS },
      }),
    );
  }

  async get(key: string): Promise<string | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: `SPILL#${key}`, sk: 'BODY' }, ConsistentRead: true }));
    return result.Item === undefined ? undefined : gunzipSync(result.Item.body as Uint8Array).toString('utf8');
  }
}
