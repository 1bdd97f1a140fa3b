import { BatchWriteCommand, type BatchWriteCommandInput, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** How often unprocessed items are sent again before the write counts as failed. */
const MAX_RETRIES = 5;

/**
 * Writes up to 25 puts or deletes in one BatchWriteItem, sending the items
 * DynamoDB leaves unprocessed (throttling) again with exponential backoff.
 * Not atomic: each item is written or not on its own.
 */
export async function batchWrite(client: DynamoDBDocumentClient, requestItems: NonNullable<BatchWriteCommandInput['RequestItems']>, what: string): Promise<void> {
  let pending: BatchWriteCommandInput['RequestItems'] = requestItems;
  for (let attempt = 0; pending !== undefined && Object.keys(pending).length > 0; attempt++) {
    if (attempt > MAX_RETRIES) throw new Error(`${what} could not be recorded: DynamoDB kept returning unprocessed items`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    const result: BatchWriteCommandOutput = await client.send(new BatchWriteCommand({ RequestItems: pending }));
    pending = result.UnprocessedItems;
  }
}

/** One item to put, in the shape PutCommand and BatchWriteItem both take. */
export interface PutRequest {
  TableName: string;
  Item: Record<string, unknown>;
}

/** Puts the items, whatever their tables, 25 to a BatchWriteItem (see {@link batchWrite}). */
export async function putAll(client: DynamoDBDocumentClient, requests: readonly PutRequest[], what: string): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    const requestItems: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> = {};
    for (const { TableName, Item } of requests.slice(i, i + 25)) (requestItems[TableName] ??= []).push({ PutRequest: { Item } });
    await batchWrite(client, requestItems, what);
  }
}
