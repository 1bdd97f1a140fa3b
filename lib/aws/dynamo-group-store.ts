import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { packGroup, unpackGroup, type GroupStore, type PackedGroup, type StoredGroup } from '../aggregate/group-store.js';
import { VersionConflictError } from '../receivers/receiver.js';

/** Active groups are rewritten at every flush; one untouched this long was abandoned. */
const ACTIVE_GROUP_TTL_SECONDS = 7 * 86_400;

/**
 * Group state in the state table, one item per group. The state is stored
 * gzip-compressed (a group of thousands of alerts would otherwise approach
 * DynamoDB's 400 KB item limit), with its version and the outbox's timer as
 * plain attributes for conditions. Which flush was dispatched is a small item
 * of its own in the same partition (`sk = DISPATCHED`): DynamoDB bills an
 * update by the size of the whole item, so marking the state item would cost
 * as much as rewriting it. One consistent query reads both. The outbox names
 * the firing alerts it shares with the state rather than copying them.
 */
export class DynamoGroupStore implements GroupStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(groupId: string): Promise<StoredGroup | undefined> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': key(groupId).pk },
        ConsistentRead: true,
      }),
    );
    const items = result.Items ?? [];
    const state = items.find((item) => item.sk === 'STATE');
    if (state === undefined) return undefined;
    const group = unpackGroup(JSON.parse(gunzipSync(state.body as Uint8Array).toString('utf8')) as PackedGroup);
    const marker = items.find((item) => item.sk === 'DISPATCHED');
    if (group.outbox !== undefined && marker?.scheduledFor === group.outbox.scheduledFor) group.outbox.dispatched = true;
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
            body: gzipSync(JSON.stringify(packGroup(group))),
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
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: key(groupId).pk, sk: 'DISPATCHED', scheduledFor, expiresAt: Math.floor(Date.now() / 1000) + ACTIVE_GROUP_TTL_SECONDS },
          // A late mark for an older flush must not replace a newer one.
          ConditionExpression: 'attribute_not_exists(scheduledFor) OR scheduledFor < :scheduledFor',
          ExpressionAttributeValues: { ':scheduledFor': scheduledFor },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function key(groupId: string) {
  return { pk: `GROUP#${groupId}`, sk: 'STATE' };
}
