import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lib/alert/fingerprint.js';
import type { Alert } from '../../lib/alert/alert.js';
import { DynamoFiringAlerts } from '../../lib/aws/dynamo-firing-alerts.js';
import { anAlert } from '../helpers/builders.js';
import { aKeyValueTable } from '../helpers/key-value-table.js';

let table: string;
const NOW = Date.parse('2026-11-25T12:00:00Z');
let client: DynamoDBDocumentClient;
let store: DynamoFiringAlerts;

beforeAll(async () => {
  ({ table, client } = await aKeyValueTable('state'));
  store = new DynamoFiringAlerts(client, table, () => NOW);
});

function named(alertname: string, overrides: Partial<Alert> = {}): Alert {
  const labels = { alertname, cluster: 'prod-eu' };
  return anAlert({ labels, fingerprint: fingerprint(labels), ...overrides });
}

const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

async function itemsOf(accountId: string) {
  return (await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `FIRING#${accountId}` } }))).Items ?? [];
}

describe('DynamoFiringAlerts', () => {
  it('writes one item per batch and lists every firing alert of it with the tenants that may see it', async () => {
    // Prepare
    const alerts = Array.from({ length: 100 }, (_, i) => named(`A${i}`));

    // Act
    await store.record('one-item', alerts, at(-1), (alert) => (alert.labels.alertname === 'A7' ? ['team-a'] : []));

    // Assess
    expect(await itemsOf('one-item')).toHaveLength(1);
    const listed = await store.list('one-item');
    expect(listed.map((a) => a.labels.alertname).sort()).toEqual(alerts.map((a) => a.labels.alertname).sort());
    expect(listed.find((a) => a.labels.alertname === 'A7')).toMatchObject({ tenants: ['team-a'], updatedAt: at(-1) });
  });

  it('hides an alert whose last accepted update is a resolution, whatever order the batches were written in', async () => {
    // Act: the resolution (accepted later) is written first.
    await store.record('resolved', [named('Gone', { status: 'resolved', endsAt: at(-1) }), named('Stays')], at(-1));
    await store.record('resolved', [named('Gone')], at(-2));

    // Assess
    expect((await store.list('resolved')).map((a) => a.labels.alertname)).toEqual(['Stays']);
  });

  it('brings an alert back when it fires again after its resolution', async () => {
    await store.record('refire', [named('Flappy')], at(-3));
    await store.record('refire', [named('Flappy', { status: 'resolved', endsAt: at(-2) })], at(-2));
    await store.record('refire', [named('Flappy', { annotations: { summary: 'again' } })], at(-1));

    expect(await store.list('refire')).toMatchObject([{ labels: { alertname: 'Flappy' }, annotations: { summary: 'again' } }]);
  });

  it('leaves out alerts whose endsAt has passed and open-ended ones not updated for a day', async () => {
    await store.record('ended', [named('Ended', { endsAt: at(-1) }), named('Valid', { endsAt: at(5) })], at(-10));
    await store.record('ended', [named('Forgotten')], at(-24 * 60 - 1));

    expect((await store.list('ended')).map((a) => a.labels.alertname)).toEqual(['Valid']);
    // TTL removes an item once none of its updates matters any more.
    const expiries = (await itemsOf('ended')).map((item) => item.expiresAt as number).sort();
    expect(expiries).toEqual([Math.ceil((NOW - 60_000) / 1000), Math.ceil((NOW + 5 * 60_000) / 1000)]);
  });

  it('splits a batch too large for one item', async () => {
    // Prepare: incompressible annotations, about 1 MB in all.
    const alerts = Array.from({ length: 40 }, (_, i) => named(`Big${i}`, { annotations: { blob: randomText(25_000) } }));

    // Act
    await store.record('large', alerts, at(-1));

    // Assess
    expect((await itemsOf('large')).length).toBeGreaterThan(2);
    expect(await store.list('large')).toHaveLength(40);
  });
});

function randomText(length: number): string {
  return Array.from({ length }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('');
}
