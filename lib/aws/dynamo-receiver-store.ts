import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReceiverRef } from '../pipeline/messages.js';
import { receiverId, type Receiver, type ReceiverStore } from '../receivers/receiver.js';
import { DynamoObjectStore } from './dynamo-object-store.js';

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
    return this.objects.all(accountId, 'GLOBAL#');
  }

  listTenant(accountId: string, tenantId: string): Promise<Receiver[]> {
    return this.objects.all(accountId, `TENANT#${tenantId}#`);
  }

  put(receiver: Receiver, expectedVersion: number): Promise<void> {
    return this.objects.put(receiver.accountId, receiverId(receiver), receiver, expectedVersion);
  }

  delete(ref: ReceiverRef, expectedVersion?: number): Promise<boolean> {
    return this.objects.delete(ref.accountId, receiverId(ref), expectedVersion);
  }
}
