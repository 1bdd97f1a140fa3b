import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FunctionInitError, FunctionTimeoutError } from '../../infra/local/local-function.js';
import { freePort } from '../../infra/local/ports.js';
import { eventually, startTestStack, TEST_ADMIN_KEY } from '../helpers/local-stack.js';
import { portOpen } from '../helpers/raw-http.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tidings-isolation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The project's serverless.yml with one change, next to copies of the files it includes. */
function modifiedServerlessConfig(name: string, change: (config: any) => void): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'infra'), { recursive: true });
  for (const file of readdirSync(join(PROJECT_ROOT, 'infra')).filter((name) => name.endsWith('.yml'))) {
    copyFileSync(join(PROJECT_ROOT, 'infra', file), join(root, 'infra', file));
  }
  const config = parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8'));
  change(config);
  writeFileSync(join(root, 'serverless.yml'), stringify(config));
  return join(root, 'serverless.yml');
}

/** A one-function service whose bundle is `source`, triggered by a queue that redelivers after 1 s. */
function fixtureService(name: string, source: string, timeoutSeconds: number): { serverlessConfig: string; bundleDir: string } {
  const root = join(dir, name);
  mkdirSync(join(root, 'dist/functions/fixture'), { recursive: true });
  writeFileSync(join(root, 'dist/functions/fixture/handler.mjs'), source);
  writeFileSync(
    join(root, 'serverless.yml'),
    stringify({
      service: 'tidings',
      provider: { name: 'aws', environment: { TRACE_DIR: root } },
      functions: {
        fixture: {
          handler: 'dist/functions/fixture/handler.handler',
          timeout: timeoutSeconds,
          events: [{ sqs: { arn: { 'Fn::GetAtt': ['FixtureQueue', 'Arn'] }, batchSize: 1, functionResponseType: 'ReportBatchItemFailures' } }],
        },
      },
      resources: { Resources: { FixtureQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `tidings-${'${sls:stage}'}-fixture-${name}`, VisibilityTimeout: 1 } } } },
    }),
  );
  return { serverlessConfig: join(root, 'serverless.yml'), bundleDir: join(root, 'dist') };
}


describe('functions on the local stack', () => {
  it('fail when serverless.yml does not give them a variable they need, though another function has it', async () => {
    // Prepare: api loses CONFIG_TABLE; ingest, filter, route and deliver still declare it.
    const serverlessConfig = modifiedServerlessConfig('no-config-table', (config) => delete config.functions.api.environment.CONFIG_TABLE);
    const output: string[] = [];
    const stack = await startTestStack({ serverlessConfig, functionOutput: (name, text) => output.push(`${name}: ${text}`) });
    try {
      // Act
      const response = await fetch(`${stack.httpUrl}/v1/accounts/acme/clusters`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });

      // Assess: as in Lambda, the function fails and its log says why.
      expect(response.status).toBe(500);
      const logged = await eventually(() => output.find((line) => line.includes('environment variable CONFIG_TABLE is required')), 5_000, 'the log of the failure');
      expect(logged).toMatch(new RegExp(`^tidings-${stack.stage}-api: .*MissingConfigurationError`));
    } finally {
      await stack.stop();
    }
  });

  it('stop a handler at its timeout, fail its batch, and retry the record', async () => {
    // Prepare: the first delivery of a record hangs (leaving a trace while it runs); the next one succeeds.
    const service = fixtureService(
      'timeout',
      `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  const record = event.Records[0];
  appendFileSync(process.env.TRACE_DIR + '/received.log', record.messageId + ' ' + record.attributes.ApproximateReceiveCount + '\\n');
  if (record.attributes.ApproximateReceiveCount === '1') {
    setInterval(() => appendFileSync(process.env.TRACE_DIR + '/still-running.log', '.'), 50);
    return new Promise(() => undefined);
  }
  return { batchItemFailures: [] };
};`,
      1,
    );
    const invocations: Array<{ records: number; failed: number; error?: unknown }> = [];
    const stack = await startTestStack({ ...service, onInvocation: (outcome) => invocations.push(outcome) });
    try {
      // Act
      const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1' });
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: stack.resources.get('FixtureQueue')!.ref, MessageBody: 'slow' }));
      await eventually(() => (invocations.length >= 2 ? true : undefined), 15_000, 'the retry');

      // Assess: the first invocation failed at the timeout as a whole batch; the same record came back and succeeded.
      expect(invocations[0]).toMatchObject({ records: 1, failed: 1 });
      expect(invocations[0]!.error).toBeInstanceOf(FunctionTimeoutError);
      expect(invocations[1]).toEqual({ functionName: `tidings-${stack.stage}-fixture`, records: 1, failed: 0, error: undefined });
      const received = readFileSync(join(dir, 'timeout/received.log'), 'utf8').trim().split('\n');
      expect(received).toEqual([`${sent.MessageId} 1`, `${sent.MessageId} 2`]);
      // The hung handler was stopped with its sandbox, not left running in the background.
      // (An invocation fails only once its thread has stopped, so the trace stopped growing before the retry began.)
      const trace = () => readFileSync(join(dir, 'timeout/still-running.log'), 'utf8').length;
      const afterRetry = trace();
      await stack.stop();
      expect(trace()).toBe(afterRetry);
    } finally {
      await stack.stop();
    }
  });

  it('refuse to start when a bundle does not load, naming the function, and leave nothing running', async () => {
    // Prepare
    const service = fixtureService('broken', `import { missing } from './not-bundled.mjs';\nexport const handler = async () => missing;`, 5);
    const ports = { http: await freePort(), dynamodb: await freePort(), sqs: await freePort() };

    // Act
    const error = await startTestStack({ ...service, ports }).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(FunctionInitError);
    expect((error as Error).message).toMatch(/tidings-t\w+-fixture: its bundle failed to load: .*not-bundled\.mjs/);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);
  });
});
