import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_MARSHALL_OPTIONS } from '../../functions/shared/aws-clients.js';

/**
 * Creates a `pk`/`sk` table shaped like the state table on a local DynamoDB,
 * for one store's tests or benchmarks, and returns the document client the
 * handlers use, pointed at it.
 */
export async function createKeyValueTable(endpoint: string, table: string): Promise<DynamoDBDocumentClient> {
  const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
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
  return DynamoDBDocumentClient.from(dynamodb, { marshallOptions: DOCUMENT_MARSHALL_OPTIONS });
}
