/**
 * AWS list prices used to turn measured requests into dollars: us-east-1,
 * on-demand, no free tier, as published in 2026-03 (checked on the pages below).
 */
export const PRICES = {
  region: 'us-east-1',
  checked: '2026-03',
  sqsPerMillionRequests: 0.4,
  sqsBytesPerBilledRequest: 64 * 1024,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaMemoryGb: 0.5,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbPerMillionWriteUnits: 0.625,
  httpApiPerMillionRequests: 1.0,
  httpApiBytesPerBilledRequest: 512 * 1024,
  sources: [
    'SQS standard $0.40 per million requests (first 100 billion a month), each 64 KB chunk of payload billed as one request: https://cloudburn.io/blog/amazon-sqs-pricing (March 2026), https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization',
    'Lambda arm64 $0.0000133334 per GB-s (first 7.5 billion GB-s a month), $0.20 per million requests, duration rounded up to 1 ms: https://cloudchipr.com/blog/aws-lambda-pricing, https://aws.amazon.com/lambda/pricing/',
    'DynamoDB on-demand $0.625 per million write request units, $0.125 per million read request units (after the November 2024 cut): https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    'API Gateway HTTP API $1.00 per million requests (first 300 million a month), metered in 512 KB increments: https://www.apigatewaycost.com/aws, https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
  ],
} as const;
