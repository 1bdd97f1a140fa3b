import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryClaims } from '../../lib/aws/dynamo-delivery-claims.js';
import { DynamoHistoryStore } from '../../lib/aws/dynamo-history-store.js';
import { aNotificationRecord } from '../helpers/builders.js';
import { aKeyValueTable } from '../helpers/key-value-table.js';

const createdAt = '2026-11-25T10:00:00.000Z';
let clock = Date.parse(createdAt);
let claims: DynamoDeliveryClaims;
let history: DynamoHistoryStore;
let claimsTable: Awaited<ReturnType<typeof aKeyValueTable>>;

beforeAll(async () => {
  claimsTable = await aKeyValueTable('claims');
  const historyTable = await aKeyValueTable('history');
  history = new DynamoHistoryStore(historyTable.client, historyTable.table, 30 * 86_400, () => new Date(clock));
  claims = new DynamoDeliveryClaims(claimsTable.client, claimsTable.table, history, () => clock);
});

describe('delivery claims on DynamoDB Local', () => {
  it('one worker claims; a live lease makes the others busy until it runs out', async () => {
    expect(await claims.claim('n-lease', 60_000)).toBe('claimed');
    expect(await claims.claim('n-lease', 60_000)).toBe('busy');
    clock += 60_001;
    expect(await claims.claim('n-lease', 60_000)).toBe('claimed');
  });

  it('finish marks the claim done and writes the history record in the same request', async () => {
    expect(await claims.claim('n-done', 60_000)).toBe('claimed');
    const record = aNotificationRecord('n-done', 'ops', createdAt, ['0123456789abcdef']);
    await claims.finish('n-done', { accountId: 'acme', record, retentionDays: 7 });

    expect(await claims.claim('n-done', 60_000)).toBe('done');
    const page = await history.list('acme', { limit: 10 });
    expect(page.items.map((r) => [r.notificationId, r.status, r.fingerprints])).toEqual([['n-done', 'sent', ['0123456789abcdef']]]);
    const { Item } = await claimsTable.client.send(new GetCommand({ TableName: claimsTable.table, Key: { pk: 'NOTIFICATION#n-done', sk: 'CLAIM' } }));
    expect(Item).toMatchObject({ status: 'done' });
    expect(Item).not.toHaveProperty('leaseUntil');
  });

  it('a released claim may be claimed again at once; releasing a finished one changes nothing', async () => {
    expect(await claims.claim('n-release', 60_000)).toBe('claimed');
    await claims.release('n-release');
    expect(await claims.claim('n-release', 60_000)).toBe('claimed');
    await claims.finish('n-release', { accountId: 'acme', record: aNotificationRecord('n-release', 'ops', createdAt, []) });
    await claims.release('n-release');
    expect(await claims.claim('n-release', 60_000)).toBe('done');
  });
});
