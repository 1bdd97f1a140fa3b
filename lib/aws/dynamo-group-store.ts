import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GroupStore, StoredGroup } from '../aggregate/group-store.js';
import { VersionConflictError } from '../receivers/receiver.js';

/** Active groups are rewritten at every flush; one untouched this long was abandoned. */
const ACTIVE_GROUP_TTL_SECONDS = 7 * 86_400;

/**
 * Group state in the state table, one item per group. The state is stored
 * gzip-compressed (a group of thousands of alerts would otherwise approach
 * DynamoDB's 400 KB item limit), with its version and the outbox's timer as
 * plain attributes for conditions.
 */
export class DynamoGroupStore implements GroupStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(groupId: string): Promise<StoredGroup | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key(groupId), ConsistentRead: true }),
    );
    if (result.Item === undefined) return undefined;
    const group = JSON.parse(gunzipSync(result.Item.body as Uint8Array).toString('utf8')) as StoredGroup;
    if (group.outbox !== undefined && result.Item.dispatchedFor === group.outbox.scheduledFor) group.outbox.dispatched = true;
    return group;
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
            outboxFor: group.outbox?.scheduledFor ?? null,
            body: gzipSync(JSON.stringify(group)),
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

  async markDispatched(groupId: string, scheduledFor: number): Promise<void> {
    // A plain attribute next to the body, so marking costs one small write instead of rewriting the compressed state.
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(groupId),
          UpdateExpression: 'SET dispatchedFor = :scheduledFor',
          ConditionExpression: 'outboxFor = :scheduledFor',
          ExpressionAttributeValues: { ':scheduledFor': scheduledFor },
        }),
      );
    } catch (error) {
      // A later flush replaced the outbox: nothing left to mark.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function key(groupId: string) {
  return { pk: `GROUP#${groupId}`, sk: 'STATE' };
}
