import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let outputs: Record<string, unknown>;

const STAGE = 'citest';
const FUNCTIONS = ['ingest', 'api', 'filter', 'route', 'aggregate', 'deliver', 'evaluate'];

beforeAll(async () => {
  // The same command a user runs: bundle, then `serverless package` with dummy credentials, no AWS account.
  // Asynchronously: a synchronous spawn blocks this worker for the whole packaging (a minute on a busy
  // machine), and vitest then reports its own messages to the worker as timed out.
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/package.ts', STAGE], {
      encoding: 'utf8',
      env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run package failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  const template = JSON.parse(readFileSync('.serverless/cloudformation-template-update-stack.json', 'utf8'));
  resources = template.Resources;
  outputs = template.Outputs;
}, 300_000); // seven bundles and `serverless package`: over two minutes on a loaded 2-core machine

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('the packaged CloudFormation template', () => {
  it('declares every function, each with its own role and a stage-aware name', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([, fn]) => fn.Properties.FunctionName).sort()).toEqual(FUNCTIONS.map((name) => `tidings-${STAGE}-${name}`).sort());
    const roles = functions.map(([, fn]) => fn.Properties.Role['Fn::GetAtt'][0]);
    expect(new Set(roles).size).toBe(FUNCTIONS.length);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe('nodejs22.x');
  });

  it('has every SQS trigger report partial batch failures', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(4);
    for (const [, mapping] of mappings) expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('batches the aggregate trigger with a batching window', () => {
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([id]) => id.startsWith('Aggregate'))!;
    expect(mapping.Properties.BatchSize).toBeGreaterThan(10);
    expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBeGreaterThan(0);
  });

  it('gives every consumed queue a dead-letter queue with a redrive policy', () => {
    const queues = ofType('AWS::SQS::Queue');
    const dlqIds = new Set<string>();
    for (const [id, queue] of queues.filter(([, q]) => q.Properties.RedrivePolicy !== undefined)) {
      const target = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
      expect(resources[target]?.Type, `${id} redrives to a declared queue`).toBe('AWS::SQS::Queue');
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBeGreaterThan(0);
      dlqIds.add(target);
    }
    const consumed = ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0]);
    for (const queueId of consumed) expect(resources[queueId]!.Properties.RedrivePolicy, `${queueId} has a DLQ`).toBeDefined();
    expect(dlqIds.size).toBe(consumed.length);
    for (const [, queue] of queues) expect(queue.Properties.QueueName).toContain(`-${STAGE}-`);
  });

  it('expires history items by TTL', () => {
    expect(resources.HistoryTable!.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(resources.HistoryTable!.Properties.TableName).toBe(`tidings-${STAGE}-history`);
  });

  it('grants no function "*" on tables or queues', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      for (const policy of role.Properties.Policies ?? []) {
        for (const statement of policy.PolicyDocument.Statement) {
          const actions: string[] = [statement.Action].flat();
          const targets: unknown[] = [statement.Resource].flat();
          for (const action of actions) expect(action, `${id} action`).not.toMatch(/^(dynamodb|sqs):\*$|^\*$/);
          if (actions.some((action) => /^(dynamodb|sqs):/.test(action))) {
            for (const target of targets) expect(target, `${id} resource for ${actions.join(',')}`).not.toBe('*');
          }
        }
      }
    }
  });

  it("lets evaluate and api query only this account's Amazon Managed Prometheus workspaces", () => {
    for (const role of ['EvaluateRole', 'ApiRole']) {
      const statements = resources[role]!.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('aps:')));
      expect(statements, role).toEqual([{ Effect: 'Allow', Action: ['aps:QueryMetrics'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:aps:*:${AWS::AccountId}:workspace/*' } }]);
    }
  });

  it('runs the central evaluation every minute', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules.map(([, rule]) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
    const target = rules[0]![1].Properties.Targets[0].Arn['Fn::GetAtt'][0] as string;
    expect(resources[target]!.Properties.FunctionName).toBe(`tidings-${STAGE}-evaluate`);
  });

  it('routes the web console to the api function', () => {
    const targets = Object.fromEntries(ofType('AWS::ApiGatewayV2::Route').map(([, route]) => [route.Properties.RouteKey, route.Properties.Target['Fn::Join'][1][1].Ref]));
    expect(targets).toMatchObject({ 'GET /console': 'HttpApiIntegrationApi', 'GET /console/{proxy+}': 'HttpApiIntegrationApi' });
  });

  it('exports the ingest URL as a stack output', () => {
    expect(outputs.IngestUrl).toBeDefined();
  });
});
