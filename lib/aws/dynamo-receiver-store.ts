import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReceiverRef } from '../pipeline/messages.js';
import type { Receiver, ReceiverStore } from '../receivers/receiver.js';
import { GLOBAL_OWNER, ownerOf } from '../tenancy/owner.js';
import { DynamoObjectStore } from './dynamo-object-store.js';
import { ownedId, ownerPrefix } from './owner-keys.js';

/**
 * Receivers under their account's partition: `RECEIVER#GLOBAL#<name>` and
 * `RECEIVER#TENANT#<tenant>#<name>`, so routing reads the global receivers, or
 * one tenant's, with one query.
 */
export class DynamoReceiverStore implements ReceiverStore {
  private readonly objects: DynamoObjectStore<Receiver>;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.objects = new DynamoObjectStore<Receiver>(client, tableName, 'RECEIVER');
  }

  get(ref: ReceiverRef): Promise<Receiver | undefined> {
    return this.objects.get(ref.accountId, receiverId(ref));
  }

  listGlobal(accountId: string): Promise<Receiver[]> {
    return this.objects.all(accountId, ownerPrefix(GLOBAL_OWNER));
  }

  listTenant(accountId: string, tenantId: string): Promise<Receiver[]> {
    return this.objects.all(accountId, ownerPrefix({ kind: 'tenant', tenantId }));
  }

  put(receiver: Receiver, expectedVersion: number): Promise<void> {
    return this.objects.put(receiver.accountId, receiverId(receiver), receiver, expectedVersion);
  }

  delete(ref: ReceiverRef, expectedVersion?: number): Promise<boolean> {
    return this.objects.delete(ref.accountId, receiverId(ref), expectedVersion);
  }
}

/** A receiver's id within its account: its name under its owner's prefix. */
function receiverId(ref: { tenantId?: string; name: string }): string {
  return ownedId(ownerOf(ref.tenantId), ref.name);
}
