import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { redelivered } from '../../../functions/shared/sqs-batch.js';
import { REPLAYED_ATTRIBUTE } from '../../../lib/pipeline/dead-letters.js';

function aRecord(receiveCount: string, attributes: SQSRecord['messageAttributes'] = {}): SQSRecord {
  return {
    messageId: 'm1',
    receiptHandle: 'r1',
    body: '{}',
    attributes: { ApproximateReceiveCount: receiveCount, SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: attributes,
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:groups',
    awsRegion: 'us-east-1',
  };
}

describe('redelivered', () => {
  it('tells a message that may have been handled before (received before, or replayed from a dead-letter queue) from a first delivery', () => {
    const replayed = { [REPLAYED_ATTRIBUTE]: { dataType: 'String', stringValue: 'true' } };
    const parked = { 'tidings-parked-because': { dataType: 'String', stringValue: 'boom' } };

    expect(redelivered(aRecord('1'))).toBe(false);
    expect(redelivered(aRecord('2'))).toBe(true);
    expect(redelivered(aRecord('1', replayed))).toBe(true);
    expect(redelivered(aRecord('1', parked))).toBe(true);
  });
});
