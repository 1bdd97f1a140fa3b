import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DefinitionsStore, OwnedObjectStore, Versioned } from '../configs/config-stores.js';
import type { StoredDefinitions } from '../filter/rule-config.js';
import type { Owner } from '../tenancy/owner.js';
import { DynamoObjectStore } from './dynamo-object-store.js';
import { ownedId, ownerFromKey, ownerKey, ownerPrefix } from './owner-keys.js';

/** Objects named within their owner, under `<KIND>#GLOBAL#<name>` or `<KIND>#TENANT#<tenant>#<name>`: one query per owner. */
export class DynamoOwnedObjectStore<T extends Versioned> implements OwnedObjectStore<T> {
  private readonly objects: DynamoObjectStore<T>;

  constructor(client: DynamoDBDocumentClient, tableName: string, kind: string) {
    this.objects = new DynamoObjectStore<T>(client, tableName, kind);
  }

  get(accountId: string, owner: Owner, name: string): Promise<T | undefined> {
    return this.objects.get(accountId, ownedId(owner, name));
  }

  all(accountId: string, owner?: Owner): Promise<T[]> {
    return this.objects.all(accountId, owner === undefined ? '' : ownerPrefix(owner));
  }

  put(accountId: string, owner: Owner, name: string, object: T, expectedVersion: number): Promise<void> {
    return this.objects.put(accountId, ownedId(owner, name), object, expectedVersion);
  }

  delete(accountId: string, owner: Owner, name: string, expectedVersion?: number): Promise<boolean> {
    return this.objects.delete(accountId, ownedId(owner, name), expectedVersion);
  }
}

/** The stored form of definitions: the owner as its key string, as items have always been written. */
type DefinitionsItem = Omit<StoredDefinitions, 'owner'> & { owner: string };

/** Rule definitions, one item per owner: `RULEDEF#GLOBAL` and `RULEDEF#TENANT#<tenant>`. */
export class DynamoDefinitionsStore implements DefinitionsStore {
  private readonly items: DynamoObjectStore<DefinitionsItem>;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.items = new DynamoObjectStore<DefinitionsItem>(client, tableName, 'RULEDEF');
  }

  async get(accountId: string, owner: Owner): Promise<StoredDefinitions | undefined> {
    const item = await this.items.get(accountId, ownerKey(owner));
    return item === undefined ? undefined : fromItem(item);
  }

  async all(accountId: string): Promise<StoredDefinitions[]> {
    return (await this.items.all(accountId)).map(fromItem);
  }

  put(definitions: StoredDefinitions, expectedVersion: number): Promise<void> {
    const key = ownerKey(definitions.owner);
    return this.items.put(definitions.accountId, key, { ...definitions, owner: key }, expectedVersion);
  }

  delete(accountId: string, owner: Owner): Promise<boolean> {
    return this.items.delete(accountId, ownerKey(owner));
  }
}

function fromItem(item: DefinitionsItem): StoredDefinitions {
  return { ...item, owner: ownerFromKey(item.owner) };
}
