import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccessIndex, TenantChange } from '../configs/config-stores.js';
import { VersionConflictError } from '../receivers/receiver.js';
import { accessKey, type AccessEntry } from '../tenancy/tenant.js';
import { conditionalPut, objectKey } from './dynamo-object-store.js';

/** DynamoDB takes at most 100 actions in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

/** More access changes at once than one transaction holds. */
export class TooManyAccessChangesError extends Error {
  constructor(readonly count: number) {
    super(`this change alters ${count} namespace bindings at once; at most ${MAX_TRANSACTION_ITEMS - 1} can change in one update`);
    this.name = 'TooManyAccessChangesError';
  }
}

/**
 * The tenant access index: one item per (cluster, namespace, tenant) under
 * `pk = ACCESS#<account>#<cluster>#<namespace>`, so routing finds the tenants
 * of a namespace with one query. Rewritten with the tenant or workspace that
 * changed it, in one transaction, so access never lags a revocation.
 */
export class DynamoAccessIndex implements AccessIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tenantsOf(accountId: string, cluster: string, namespace: string): Promise<AccessEntry[]> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition(accountId, cluster, namespace) },
      }),
    );
    return (result.Items ?? []).map((item) => ({
      cluster: item.cluster as string,
      namespace: item.namespace as string,
      tenantId: item.tenantId as string,
      via: item.via as AccessEntry['via'],
    }));
  }

  /**
   * Replaces a tenant's entries `before` with `after`, together with the
   * tenant item itself (written or deleted with its version condition, as the
   * tenant store would), in one transaction; a version conflict on the tenant
   * cancels it all.
   */
  async replace(accountId: string, before: readonly AccessEntry[], after: readonly AccessEntry[], tenant?: TenantChange): Promise<void> {
    const id = (entry: AccessEntry) => `${accessKey(entry.cluster, entry.namespace)}\u0000${entry.tenantId}`;
    const afterIds = new Set(after.map(id));
    const beforeById = new Map(before.map((entry) => [id(entry), entry]));
    const removed = before.filter((entry) => !afterIds.has(id(entry)));
    const written = after.filter((entry) => JSON.stringify(beforeById.get(id(entry))?.via) !== JSON.stringify(entry.via));
    const count = removed.length + written.length + (tenant === undefined ? 0 : 1);
    if (count > MAX_TRANSACTION_ITEMS) throw new TooManyAccessChangesError(count);
    if (count === 0) return;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          ...(tenant === undefined ? [] : [tenantWrite(this.tableName, accountId, tenant)]),
          ...removed.map((entry) => ({
            Delete: { TableName: this.tableName, Key: { pk: partition(accountId, entry.cluster, entry.namespace), sk: `TENANT#${entry.tenantId}` } },
          })),
          ...written.map((entry) => ({
            Put: {
              TableName: this.tableName,
              Item: { pk: partition(accountId, entry.cluster, entry.namespace), sk: `TENANT#${entry.tenantId}`, ...entry },
            },
          })),
        ],
      }),
    ).catch((error) => {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new VersionConflictError('tenant');
      }
      throw error;
    });
  }
}

/** Tenants are objects of kind TENANT in the account's partition (dynamo-config.ts). */
function tenantWrite(tableName: string, accountId: string, change: TenantChange) {
  if ('put' in change) return { Put: { TableName: tableName, ...conditionalPut(accountId, 'TENANT', change.put.id, change.put, change.expectedVersion) } };
  return {
    Delete: {
      TableName: tableName,
      Key: objectKey(accountId, 'TENANT', change.delete.id),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': change.delete.version },
    },
  };
}

function partition(accountId: string, cluster: string, namespace: string): string {
  return `ACCESS#${accountId}#${cluster}#${namespace}`;
}
