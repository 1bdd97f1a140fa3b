import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../receivers/receiver.js';
import type { ObjectStore, Page, Versioned } from '../configs/config-stores.js';
import { InvalidCursorError } from './dynamo-history-store.js';


/**
 * Objects of one kind under their account's partition of the config table
 * (`pk = ACCOUNT#<account>`, `sk = <KIND>#<id>`), with optimistic concurrency on
 * `version`: tenants, workspaces, receivers, routers, silences, inhibit rules.
 * One query reads all objects of a kind (or of a prefix, e.g. one tenant's).
 */
export class DynamoObjectStore<T extends Versioned> implements ObjectStore<T> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly kind: string,
  ) {}

  async get(accountId: string, id: string): Promise<T | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: objectKey(accountId, this.kind, id), ConsistentRead: true }));
    return result.Item === undefined ? undefined : strip<T>(result.Item);
  }

  /** One page of the objects whose id starts with `idPrefix`, in id order. */
  async page(accountId: string, options: { idPrefix?: string; limit: number; cursor?: string }): Promise<Page<T>> {
    const prefix = `${this.kind}#${options.idPrefix ?? ''}`;
    const startKey = options.cursor === undefined ? undefined : decodeCursor(options.cursor, pk(accountId), prefix);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk(accountId), ':prefix': prefix },
        Limit: options.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (result.Items ?? []).map((item) => strip<T>(item));
    return result.LastEvaluatedKey === undefined ? { items } : { items, cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** Every object whose id starts with `idPrefix` (for routing snapshots and small admin lists). */
  async all(accountId: string, idPrefix = ''): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<T> = await this.page(accountId, { idPrefix, limit: 500, ...(cursor === undefined ? {} : { cursor }) });
      items.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== undefined);
    return items;
  }

  /** Writes the object if the stored version is `expectedVersion` (0: must not exist yet); else VersionConflictError. */
  async put(accountId: string, id: string, object: T, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, ...conditionalPut(accountId, this.kind, id, object, expectedVersion) }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(`${this.kind.toLowerCase()} ${id}`);
      throw error;
    }
  }

  /** Deletes if it exists (and, with `expectedVersion`, only at that version); answers whether something was deleted. */
  async delete(accountId: string, id: string, expectedVersion?: number): Promise<boolean> {
    try {
      const result = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: objectKey(accountId, this.kind, id),
          ReturnValues: 'ALL_OLD',
          ...(expectedVersion === undefined
            ? {}
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return result.Attributes !== undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new VersionConflictError(`${this.kind.toLowerCase()} ${id}`);
      throw error;
    }
  }
}

function pk(accountId: string): string {
  return `ACCOUNT#${accountId}`;
}

/** The key of an object of `kind` in its account's partition. */
export function objectKey(accountId: string, kind: string, id: string): { pk: string; sk: string } {
  return { pk: pk(accountId), sk: `${kind}#${id}` };
}

/** The put of an object as the store writes it, with its version condition (0: must not exist yet): also for joining a transaction. */
export function conditionalPut(accountId: string, kind: string, id: string, object: object, expectedVersion: number) {
  return {
    Item: { ...object, ...objectKey(accountId, kind, id) },
    ...(expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
  };
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...object } = item;
  return object as T;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor is only valid for the partition and prefix it was issued for: no reading across tenants by editing one. */
function decodeCursor(cursor: string, partition: string, prefix: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (key.pk !== partition || typeof key.sk !== 'string' || !key.sk.startsWith(prefix) || Object.keys(key).length !== 2) {
      throw new InvalidCursorError();
    }
    return key;
  } catch {
    throw new InvalidCursorError();
  }
}
