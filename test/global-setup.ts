import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { freePort } from '../infra/local/ports.js';
import { startSqsLocal, type SqsLocal } from '../infra/local/sqs-local.js';

/** The stand-ins every test file's stack shares (see startTestStack); each file names its tables and queues with a stage of its own. */
export interface SharedStandIns {
  dynamodb: { endpoint: string; pid: number };
  sqsEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    standIns: SharedStandIns;
  }
}

/**
 * One DynamoDB Local (a JVM, seconds to start) and one SQS stand-in for the
 * whole run, in this (vitest's main) process. DynamoDB Local's watchdog takes
 * the JVM down when this process dies in any way, so a killed run leaves no
 * Java behind; fauxqs lives and dies with this process.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamodbPort = await freePort();
  const sqsPort = await freePort();
  const [dynamodbStart, sqsStart] = await Promise.allSettled([startDynamoDbLocal({ port: dynamodbPort }), startSqsLocal({ port: sqsPort })]);
  const started: Array<DynamoDbLocal | SqsLocal> = [];
  if (sqsStart.status === 'fulfilled') started.push(sqsStart.value);
  if (dynamodbStart.status === 'fulfilled') started.push(dynamodbStart.value);
  const teardown = async () => {
    for (const standIn of started) await standIn.stop();
  };
  if (dynamodbStart.status === 'rejected' || sqsStart.status === 'rejected') {
    await teardown();
    throw dynamodbStart.status === 'rejected' ? dynamodbStart.reason : (sqsStart as PromiseRejectedResult).reason;
  }
  project.provide('standIns', {
    dynamodb: { endpoint: dynamodbStart.value.endpoint, pid: dynamodbStart.value.pid },
    sqsEndpoint: sqsStart.value.endpoint,
  });
  return teardown;
}
