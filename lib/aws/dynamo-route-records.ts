import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertPathEntry } from '../history/alert-path.js';
import type { FiringUpdate, RouteRecords } from '../route/route-batch.js';
import { putAll } from './batch-write.js';
import type { DynamoAlertPathStore } from './dynamo-alert-path-store.js';
import type { DynamoFiringAlerts } from './dynamo-firing-alerts.js';

/**
 * A routed batch's firing-set item and trail items (state and history
 * tables) in one BatchWriteItem: a batch of one group is one firing item and
 * up to four trail shards, so one request where there were two.
 */
export class DynamoRouteRecords implements RouteRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly firing: Pick<DynamoFiringAlerts, 'putRequests'>,
    private readonly trail: Pick<DynamoAlertPathStore, 'putRequests'>,
  ) {}

  async record(accountId: string, firing: FiringUpdate, steps: readonly AlertPathEntry[]): Promise<void> {
    const writes = [...this.firing.putRequests(accountId, firing.alerts, firing.receivedAt, firing.tenantsOf), ...this.trail.putRequests(accountId, steps)];
    await putAll(this.client, writes, 'routing records');
  }
}
