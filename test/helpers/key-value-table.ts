import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createKeyValueTable } from '../../infra/local/key-value-table.js';
import { aStage } from './local-stack.js';

/**
 * A fresh `pk`/`sk` table on the run's shared DynamoDB Local, shaped like the
 * state table, for tests of one store; with the document client the handlers use.
 */
export async function aKeyValueTable(suffix: string): Promise<{ table: string; client: DynamoDBDocumentClient }> {
  const table = `${aStage()}-${suffix}`;
  return { table, client: await createKeyValueTable(inject('standIns').dynamodb.endpoint, table) };
}
