import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { DOCUMENT_MARSHALL_OPTIONS } from '../../functions/shared/aws-clients.js';
import { aStage } from './local-stack.js';

/**
 * A fresh `pk`/`sk` table on the run's shared DynamoDB Local, shaped like the
 * state table, for tests of one store; with the document client the handlers use.
 */
export async function aKeyValueTable(suffix: string): Promise<{ table: string; client: DynamoDBDocumentClient }> {
  const table = `${aStage()}-${suffix}`;
  const dynamodb = new DynamoDBClient({ endpoint: inject('standIns').dynamodb.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  return { table, client: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: DOCUMENT_MARSHALL_OPTIONS }) };
}
