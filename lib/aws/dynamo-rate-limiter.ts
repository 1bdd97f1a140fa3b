import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RateLimitedError, type OwnerRateLimiter, type RateLimiter } from '../ingest/rate-limit.js';
import { ownerKey } from './owner-keys.js';

/**
 * Request counting in the state table: one counter item per key (a cluster,
 * a receiver) and minute, incremented with a condition so concurrent Lambda
 * instances share one limit. The item expires by TTL after its minute.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limitPerMinute: number,
  ) {}

  async take(key: string, now: Date, limitPerMinute = this.limitPerMinute): Promise<void> {
    const minute = Math.floor(now.getTime() / 60_000);
    try {
      await this.client.send(
        // The low-level command (typed values): the document client's UpdateCommand wrapper would join the api's cold start for this one call.
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: `RATE#${key}` }, sk: { S: String(minute) } },
          UpdateExpression: 'ADD #count :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: String(limitPerMinute) }, ':expires': { N: String((minute + 2) * 60) } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new RateLimitedError(Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000)));
      }
      throw error;
    }
  }
}

/** One limiter's counters per owner of an account, under `<kind>#<account>#<owner>` (kinds keep their counts apart). */
export function perOwner(limiter: RateLimiter, kind: string): OwnerRateLimiter {
  return { take: (accountId, owner, now) => limiter.take(`${kind}#${accountId}#${ownerKey(owner)}`, now) };
}
