import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { DOCUMENT_MARSHALL_OPTIONS } from '../../functions/shared/aws-clients.js';
import { createKeyValueTable } from '../../infra/local/key-value-table.js';
import { leanDocumentClient } from '../../lib/aws/lean-document-client.js';
import { aStage } from '../helpers/local-stack.js';

let table: string;
let reference: DynamoDBDocumentClient;
let lean: DynamoDBDocumentClient;

beforeAll(async () => {
  const endpoint = inject('standIns').dynamodb.endpoint;
  table = `${aStage()}-lean`;
  reference = await createKeyValueTable(endpoint, table);
  lean = leanDocumentClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }, { marshallOptions: DOCUMENT_MARSHALL_OPTIONS });
});

/** An item with every kind of value the stores write: maps with awkward keys, lists, numbers, binary sets, undefined members. */
function anItem(pk: string, sk: string) {
  return {
    pk,
    sk,
    text: 'firing',
    count: 42,
    ratio: 0.25,
    flag: true,
    nothing: null,
    gone: undefined,
    labels: { alertname: 'HighErrorRate', constructor: 'a label named constructor', nested: { list: [1, 'two', { three: 3 }] } },
    body: new Uint8Array([1, 2, 3, 250]),
    fingerprints: new Set([new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]), new Uint8Array([8, 9, 10, 11, 12, 13, 14, 15])]),
    names: new Set(['a', 'b']),
  };
}

/** What a client answered, without the request metadata (ids and timings differ). */
function answer(output: object) {
  const { $metadata: _metadata, ...rest } = output as { $metadata: unknown };
  return rest;
}

/** Runs the same operations through both clients, each under its own partition, and returns both answers. */
async function both(operations: (client: DynamoDBDocumentClient, pk: string) => Promise<object>): Promise<[object, object]> {
  const ref = await operations(reference, 'REF');
  const got = await operations(lean, 'LEAN');
  return [JSON.parse(JSON.stringify(ref, replacer).replaceAll('REF', 'PK')), JSON.parse(JSON.stringify(got, replacer).replaceAll('LEAN', 'PK'))];
}

function replacer(_key: string, value: unknown) {
  if (value instanceof Set) return { set: [...value].map((member) => (member instanceof Uint8Array ? Buffer.from(member).toString('hex') : member)).sort() };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  return value;
}

describe('leanDocumentClient answers as lib-dynamodb does', () => {
  it('put, get, update with returned values, a low-level command, delete', async () => {
    const [ref, got] = await both(async (client, pk) => {
      await client.send(new PutCommand({ TableName: table, Item: anItem(pk, 'a') }));
      const read = await client.send(new GetCommand({ TableName: table, Key: { pk, sk: 'a' }, ConsistentRead: true }));
      const updated = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk, sk: 'a' },
          UpdateExpression: 'SET #count = #count + :one, labels.severity = :severity REMOVE ratio',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':severity': 'critical' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const lowLevel = await client.send(
        new UpdateItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: 'a' } }, UpdateExpression: 'SET hits = :n', ExpressionAttributeValues: { ':n': { N: '7' } }, ReturnValues: 'UPDATED_NEW' }),
      );
      const deleted = await client.send(new DeleteCommand({ TableName: table, Key: { pk, sk: 'a' }, ReturnValues: 'ALL_OLD' }));
      return { read: answer(read), updated: answer(updated), lowLevel: answer(lowLevel), deleted: answer(deleted) };
    });
    expect(got).toEqual(ref);
    expect(JSON.stringify(got)).toContain('a label named constructor');
  });

  it('query pages with a start key, batch write and batch get, scan with a filter, a transaction', async () => {
    const [ref, got] = await both(async (client, pk) => {
      await client.send(
        new BatchWriteCommand({ RequestItems: { [table]: ['q1', 'q2', 'q3'].map((sk) => ({ PutRequest: { Item: anItem(pk, sk) } })) } }),
      );
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk, sk: 't1', value: { deep: [true] } } } },
            { Update: { TableName: table, Key: { pk, sk: 'q1' }, UpdateExpression: 'SET done = :yes', ExpressionAttributeValues: { ':yes': true } } },
          ],
        }),
      );
      const first = await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 2, ConsistentRead: true }));
      const second = await client.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: first.LastEvaluatedKey, ConsistentRead: true }),
      );
      const batch = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [{ pk, sk: 'q2' }, { pk, sk: 't1' }], ConsistentRead: true } } }));
      const scanned = await client.send(new ScanCommand({ TableName: table, FilterExpression: 'pk = :pk AND done = :yes', ExpressionAttributeValues: { ':pk': pk, ':yes': true }, ConsistentRead: true }));
      const byKey = (items: Array<Record<string, unknown>> = []) => [...items].sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
      return { first: answer(first), second: answer(second), batch: byKey(batch.Responses?.[table]), scanned: { items: scanned.Items, count: scanned.Count } };
    });
    expect(got).toEqual(ref);
    expect(JSON.stringify(got)).toContain('"sk":"t1"');
  });

  it('a failed condition throws the same error, with the item as DynamoDB returns it', async () => {
    const errors = await Promise.all(
      [reference, lean].map(async (client, index) => {
        const pk = `COND${index}`;
        await client.send(new PutCommand({ TableName: table, Item: { pk, sk: 'c', status: 'done' } }));
        const failed = await client
          .send(new PutCommand({ TableName: table, Item: { pk, sk: 'c', status: 'sending' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
          .then(() => undefined, (error: unknown) => error);
        return failed;
      }),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
      expect((error as ConditionalCheckFailedException).Item?.status).toEqual({ S: 'done' });
    }
  });

  it('resolves middleware once per command type, on the stack middleware added to the document client also sees', () => {
    expect(lean.config.cacheMiddleware).toBe(true);
  });

  it('refuses per-request options rather than dropping them', () => {
    expect(() => lean.send(new GetCommand({ TableName: table, Key: { pk: 'x', sk: 'y' } }), { abortSignal: new AbortController().signal })).toThrow(/no options/);
  });
});
