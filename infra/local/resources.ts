import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ServiceDefinition } from './serverless-config.js';

const ACCOUNT_ID = '000000000000';

/** What CloudFormation's Ref and Fn::GetAtt would return for the locally created resources. */
export interface LocalResourceIndex {
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): string;
}

/** What Ref and Fn::GetAtt Arn give for each table: known before DynamoDB Local answers. */
export function localTableReferences(definition: ServiceDefinition): Map<string, { ref: string; arn: string }> {
  return new Map(
    Object.entries(definition.resources)
      .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
      .map(([logicalId, { Properties: p }]) => [
        logicalId,
        { ref: p.TableName as string, arn: `arn:aws:dynamodb:${definition.region}:${ACCOUNT_ID}:table/${p.TableName}` },
      ]),
  );
}

/** Creates the tables (keeping existing ones) and returns their references. */
export async function createLocalTables(definition: ServiceDefinition, dynamodb: DynamoDBClient): Promise<Map<string, { ref: string; arn: string }>> {
  await Promise.all(
    Object.values(definition.resources)
      .filter((resource) => resource.Type === 'AWS::DynamoDB::Table')
      .map(async ({ Properties: p }) => {
        const input: CreateTableCommandInput = {
          TableName: p.TableName,
          BillingMode: p.BillingMode,
          AttributeDefinitions: p.AttributeDefinitions,
          KeySchema: p.KeySchema,
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
        };
        try {
          await dynamodb.send(new CreateTableCommand(input));
          if (p.TimeToLiveSpecification?.Enabled) {
            await dynamodb.send(
              new UpdateTimeToLiveCommand({
                TableName: p.TableName,
                TimeToLiveSpecification: { AttributeName: p.TimeToLiveSpecification.AttributeName, Enabled: true },
              }),
            );
          }
        } catch (error) {
          if (!(error instanceof ResourceInUseException)) throw error;
        }
      }),
  );
  return localTableReferences(definition);
}

/** Creates the queues (keeping existing ones), dead-letter queues first, and returns their URLs and ARNs. */
export async function createLocalQueues(
  definition: ServiceDefinition,
  sqs: SQSClient,
  extraAttributes: Record<string, string> = {},
): Promise<Map<string, { ref: string; arn: string }>> {
  const created = new Map<string, { ref: string; arn: string }>();
  const arnOfQueue = (name: string) => `arn:aws:sqs:${definition.region}:${ACCOUNT_ID}:${name}`;
  // Dead-letter queues first: a redrive policy names its DLQ's ARN.
  const queues = Object.entries(definition.resources).filter(([, resource]) => resource.Type === 'AWS::SQS::Queue');
  queues.sort(([, a], [, b]) => Number(a.Properties.RedrivePolicy !== undefined) - Number(b.Properties.RedrivePolicy !== undefined));
  for (const [logicalId, { Properties: p }] of queues) {
    const queueName = p.QueueName;
    if (queueName === undefined) throw new Error(`${logicalId}: a queue needs a QueueName`);
    const attributes: Record<string, string> = {};
    for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod', 'DelaySeconds', 'ReceiveMessageWaitTimeSeconds', 'MaximumMessageSize']) {
      if (p[key] !== undefined) attributes[key] = String(p[key]);
    }
    if (p.RedrivePolicy !== undefined) {
      const target = p.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
      const dlq = created.get(target);
      if (dlq === undefined) throw new Error(`${logicalId}: dead-letter queue ${target} is not declared`);
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: Number(p.RedrivePolicy.maxReceiveCount) });
    }
    Object.assign(attributes, extraAttributes);
    const result = await sqs.send(new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }));
    created.set(logicalId, { ref: result.QueueUrl!, arn: arnOfQueue(queueName) });
  }
  return created;
}

/**
 * Resolves the CloudFormation intrinsics this project uses in function
 * environments (Ref, Fn::GetAtt, Fn::Join) against the local resources.
 */
export function resolveIntrinsics(
  value: unknown,
  resources: Map<string, { ref: string; arn: string }>,
  attributes: Record<string, string>,
  kmsKeys: ReadonlySet<string> = new Set(),
): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string') {
      // KMS has no local stand-in: locally, secrets are sealed with the stack's own key (SECRETS_LOCAL_KEY).
      if (kmsKeys.has(node.Ref)) return '';
      const resource = resources.get(node.Ref);
      if (resource === undefined) throw new Error(`Ref to unknown resource ${node.Ref}`);
      return resource.ref;
    }
    if ('Fn::GetAtt' in node) {
      const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
      const key = `${logicalId}.${attribute}`;
      if (attributes[key] !== undefined) return attributes[key]!;
      if (attribute === 'Arn' && resources.has(logicalId)) return resources.get(logicalId)!.arn;
      throw new Error(`Fn::GetAtt ${key} has no local value`);
    }
    if ('Fn::Join' in node) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => resolveIntrinsics(part, resources, attributes, kmsKeys)).join(separator);
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
}
