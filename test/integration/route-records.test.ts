import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../lib/alert/fingerprint.js';
import { DynamoAlertPathStore } from '../../lib/aws/dynamo-alert-path-store.js';
import { DynamoFiringAlerts } from '../../lib/aws/dynamo-firing-alerts.js';
import { DynamoRouteRecords } from '../../lib/aws/dynamo-route-records.js';
import { anAlert, aRoutedEntry } from '../helpers/builders.js';
import { aKeyValueTable } from '../helpers/key-value-table.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const receivedAt = new Date(NOW - 1000).toISOString();
let firing: DynamoFiringAlerts;
let trail: DynamoAlertPathStore;
let records: DynamoRouteRecords;
const sent: string[] = [];

beforeAll(async () => {
  const state = await aKeyValueTable('route-state');
  const history = await aKeyValueTable('route-history');
  firing = new DynamoFiringAlerts(state.client, state.table, () => NOW);
  trail = new DynamoAlertPathStore(history.client, history.table, 30 * 86_400);
  // The same client for both tables, counting what it is asked to send.
  const counting = { send: (command: object) => (sent.push(command.constructor.name), state.client.send(command as never)) } as unknown as DynamoDBDocumentClient;
  records = new DynamoRouteRecords(counting, firing, trail);
});

describe('DynamoRouteRecords', () => {
  it("writes a routed batch's firing set and its trail over two tables in one request, each readable by its own store", async () => {
    // Prepare: a group's batch of 100 alerts, whose steps fall in every trail shard
    const alerts = Array.from({ length: 100 }, (_, i) => {
      const labels = { alertname: 'DiskFull', instance: `node-${i}`, cluster: 'prod' };
      return anAlert({ labels, fingerprint: fingerprint(labels), cluster: 'prod' });
    });
    const steps = alerts.map((alert) => aRoutedEntry(alert.fingerprint, ['ops'], receivedAt));

    // Act
    await records.record('acme', { alerts, receivedAt, tenantsOf: (alert) => (alert.labels.instance === 'node-7' ? ['team-a'] : []) }, steps);

    // Assess
    expect(sent).toEqual(['BatchWriteCommand']);
    const listed = await firing.list('acme');
    expect(listed).toHaveLength(100);
    expect(listed.find((alert) => alert.labels.instance === 'node-7')?.tenants).toEqual(['team-a']);
    for (const alert of [alerts[0]!, alerts[99]!]) {
      const { items } = await trail.list('acme', alert.fingerprint, { limit: 10 });
      expect(items.map((step) => [step.stage, step.fingerprint])).toEqual([['routed', alert.fingerprint]]);
    }
  });
});
