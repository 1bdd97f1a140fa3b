import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GroupStore, StoredGroup } from '../aggregate/group-store.js';
import { packGroup, unpackGroup, type PackedGroup } from '../aggregate/group-packing.js';
import { VersionConflictError } from '../receivers/receiver.js';

/** Active groups are rewritten at every flush; one untouched this long was abandoned. */
const ACTIVE_GROUP_TTL_SECONDS = 7 * 86_400;

/**
 * Group state in the state table, one item per group. The state is stored
 * packed (see group-packing) and brotli-compressed (a group of thousands of
 * alerts would otherwise approach DynamoDB's 400 KB item limit), with its
 * version as a plain attribute for the write condition.
 */
export class DynamoGroupStore implements GroupStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(groupId: string): Promise<StoredGroup | undefined> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key(groupId), ConsistentRead: true }));
    if (item === undefined) return undefined;
    // Brotli since 2026-12-03 (`packed`); gzip before.
    const json = item.packed instanceof Uint8Array ? brotliDecompressSync(item.packed) : gunzipSync(item.body as Uint8Array);
    return unpackGroup(JSON.parse(json.toString('utf8')) as PackedGroup);
  }

  async put(group: StoredGroup, expectedVersion: number | undefined): Promise<void> {
    const expiresAt =
      group.state.expiresAt === null ? Math.floor(Date.now() / 1000) + ACTIVE_GROUP_TTL_SECONDS : Math.ceil(group.state.expiresAt / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(group.state.group.id),
            version: group.state.version,
            packed: compressed(JSON.stringify(packGroup(group))),
            expiresAt,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(`group ${group.state.group.id}`);
      throw error;
    }
  }
}

/**
 * Brotli at quality 5: a quarter smaller than gzip on group JSON and faster
 * than gzip's default level; higher qualities cost far more CPU for little.
 */
function compressed(json: string): Buffer {
  return brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
}

function key(groupId: string) {
  return { pk: `GROUP#${groupId}`, sk: 'STATE' };
}
