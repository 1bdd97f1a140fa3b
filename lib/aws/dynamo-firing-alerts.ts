import { BatchWriteCommand, QueryCommand, type BatchWriteCommandInput, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ZERO_TIME, type Alert } from '../alert/alert.js';
import type { FiringAlert, FiringAlertStore } from '../configs/config-stores.js';

/** A firing alert whose sender gives no end (webhooks resend only at repeat_interval) is forgotten after a day. */
const OPEN_ENDED_TTL_SECONDS = 86_400;


/**
 * The account's currently firing alerts, in the state table under
 * `pk = FIRING#<account>`: sources for inhibition and the answer to
 * Alertmanager's `GET /api/v2/alerts`. Resolved alerts are deleted; the rest
 * expire by TTL at their endsAt, and are filtered by endsAt on read because
 * TTL deletion lags.
 */
export class DynamoFiringAlerts implements FiringAlertStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async list(accountId: string): Promise<FiringAlert[]> {
    const alerts: FiringAlert[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `FIRING#${accountId}` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const alert = item.alert as FiringAlert;
        if (alert.endsAt === ZERO_TIME || Date.parse(alert.endsAt) > this.now()) alerts.push(alert);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return alerts;
  }

  /** Records a batch: firing alerts are put (with the tenants that may see each), resolved ones deleted. */
  async record(accountId: string, alerts: readonly Alert[], receivedAt: string, tenantsOf: (alert: Alert) => string[] = () => []): Promise<void> {
    const latest = new Map(alerts.map((alert) => [alert.fingerprint, alert]));
    const requests = [...latest.values()].map((alert) => {
      const key = { pk: `FIRING#${accountId}`, sk: alert.fingerprint };
      if (alert.status === 'resolved') return { DeleteRequest: { Key: key } };
      const endsAt = alert.endsAt === ZERO_TIME ? undefined : Date.parse(alert.endsAt);
      const expiresAt = endsAt === undefined ? Math.floor(this.now() / 1000) + OPEN_ENDED_TTL_SECONDS : Math.ceil(endsAt / 1000);
      const stored: FiringAlert = {
        labels: alert.labels,
        annotations: alert.annotations,
        fingerprint: alert.fingerprint,
        status: alert.status,
        startsAt: alert.startsAt,
        endsAt: alert.endsAt,
        generatorURL: alert.generatorURL,
        updatedAt: receivedAt,
      };
      const tenants = tenantsOf(alert);
      if (tenants.length > 0) stored.tenants = tenants;
      return { PutRequest: { Item: { ...key, alert: stored, expiresAt } } };
    });
    for (let i = 0; i < requests.length; i += 25) {
      let pending: BatchWriteCommandInput['RequestItems'] = { [this.tableName]: requests.slice(i, i + 25) };
      for (let attempt = 0; pending !== undefined && Object.keys(pending).length > 0; attempt++) {
        if (attempt > 5) throw new Error('firing alerts could not be recorded: DynamoDB kept returning unprocessed items');
        const result: BatchWriteCommandOutput = await this.client.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = result.UnprocessedItems;
        if (pending !== undefined && Object.keys(pending).length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  }
}
