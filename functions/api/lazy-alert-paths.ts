import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertPathStore } from '../../lib/history/alert-path.js';

/**
 * The alert trails as the api reads them: only the alert-history route does,
 * so their store (batches of gzip-compressed steps, packed fingerprints)
 * loads with the first such request.
 */
export function lazyAlertPathStore(documents: DynamoDBDocumentClient, table: string, retentionSeconds: number): AlertPathStore {
  let store: Promise<AlertPathStore> | undefined;
  const loaded = () => (store ??= import('../../lib/aws/dynamo-alert-path-store.js').then(({ DynamoAlertPathStore }) => new DynamoAlertPathStore(documents, table, retentionSeconds)));
  return {
    record: async (...args) => (await loaded()).record(...args),
    list: async (...args) => (await loaded()).list(...args),
  };
}
