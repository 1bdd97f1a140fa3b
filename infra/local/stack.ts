import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { startHttpGateway, type HttpHandler } from './http-gateway.js';
import { assertPortFree, freePort } from './ports.js';
import { createLocalResources, resolveIntrinsics } from './resources.js';
import { loadServiceDefinition } from './serverless-config.js';
import { startSqsLocal } from './sqs-local.js';
import { SqsPoller, type PollerOptions, type SqsHandler } from './sqs-poller.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LocalStackOptions {
  /** Names resources like a deployment stage would (`tidings-<stage>-alerts`). */
  stage?: string;
  /** Where tables and queued messages persist; in memory when absent. */
  dataDir?: string;
  /** 0 picks a free port. */
  ports?: { http?: number; dynamodb?: number; sqs?: number };
  /** The operator key the admin API accepts. */
  adminKey: string;
  /** Seals config secrets locally (32 bytes); in AWS, KMS does. Random per start when absent. */
  secretsKey?: Buffer;
  /** CIDRs outbound calls may reach despite being private or loopback, e.g. `127.0.0.1/32`. */
  outboundAllowCidrs?: string;
  /** Batches each SQS-triggered function may process at once. */
  pollerConcurrency?: number;
  /** Extra `${env:...}` values for serverless.yml, e.g. TIDINGS_HISTORY_RETENTION_DAYS. */
  env?: Record<string, string>;
  onInvocation?: PollerOptions['onInvocation'];
  /** Overrides the functions' POWERTOOLS_LOG_LEVEL (tests keep it quiet). */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

export interface LocalStack {
  httpUrl: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stage: string;
  /** Queue URLs and table names by CloudFormation logical id. */
  resources: Map<string, { ref: string; arn: string }>;
  stop(): Promise<void>;
}

/**
 * Runs tidings on one machine: DynamoDB Local and fauxqs as protocol-level
 * stand-ins, the tables and queues of serverless.yml created on them, the
 * HTTP functions behind a local API Gateway and the SQS functions behind
 * local event source mappings, all executing the handlers that deploy to Lambda.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stage = options.stage ?? 'local';
  const region = 'us-east-1';
  const ports = {
    http: options.ports?.http ?? 0,
    dynamodb: options.ports?.dynamodb ?? 0,
    sqs: options.ports?.sqs ?? 0,
  };
  for (const [purpose, port] of Object.entries(ports)) {
    if (port !== 0) await assertPortFree(port, purpose);
  }
  const [httpPort, dynamodbPort, sqsPort] = await Promise.all(
    [ports.http, ports.dynamodb, ports.sqs].map((port) => (port === 0 ? freePort() : Promise.resolve(port))),
  );
  if (options.dataDir !== undefined) mkdirSync(join(options.dataDir, 'dynamodb'), { recursive: true });

  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const [dynamodb, sqsLocal] = await Promise.all([
      startDynamoDbLocal({
        port: dynamodbPort!,
        ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'dynamodb') }),
      }),
      startSqsLocal({ port: sqsPort!, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) }),
    ]).catch(async (error) => {
      throw error;
    }) as [DynamoDbLocal, Awaited<ReturnType<typeof startSqsLocal>>];
    stoppers.push(() => dynamodb.stop(), () => sqsLocal.stop());

    Object.assign(process.env, {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsLocal.endpoint,
      TIDINGS_ADMIN_KEY_SHA256: createHash('sha256').update(options.adminKey).digest('hex'),
      TIDINGS_OUTBOUND_ALLOW_CIDRS: options.outboundAllowCidrs ?? '',
      ...options.env,
    });
    const definition = loadServiceDefinition(join(PROJECT_ROOT, 'serverless.yml'), { stage, region });
    const clients = {
      dynamodb: new DynamoDBClient({ endpoint: dynamodb.endpoint, region }),
      sqs: new SQSClient({ endpoint: sqsLocal.endpoint, region }),
    };
    const resources = await createLocalResources(definition, clients);
    sqsLocal.restore();

    const kmsKeys = new Set(Object.entries(definition.resources).filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id));
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    const attributes = { 'HttpApi.ApiEndpoint': httpUrl };
    const environment: Record<string, string> = {};
    for (const fn of definition.functions) {
      for (const [name, value] of Object.entries({ ...definition.providerEnvironment, ...fn.environment })) {
        const resolved = resolveIntrinsics(value, resources, attributes, kmsKeys);
        if (environment[name] !== undefined && environment[name] !== resolved) {
          // All functions share this process's environment locally, so a name must mean one thing.
          throw new Error(`environment variable ${name} differs between functions; local running needs one value`);
        }
        environment[name] = resolved;
      }
    }
    delete environment.NODE_OPTIONS;
    environment.SECRETS_LOCAL_KEY = (options.secretsKey ?? randomBytes(32)).toString('base64');
    if (options.logLevel !== undefined) environment.POWERTOOLS_LOG_LEVEL = options.logLevel;
    Object.assign(process.env, environment);

    const handlers = new Map<string, unknown>();
    await Promise.all(
      definition.functions.map(async (fn) => {
        handlers.set(fn.name, await loadHandler(fn.handler));
      }),
    );

    const server: Server = await startHttpGateway(
      definition.functions.flatMap((fn) =>
        fn.http.map((trigger) => ({
          functionName: `${definition.service}-${stage}-${fn.name}`,
          method: trigger.method,
          path: trigger.path,
          timeoutSeconds: fn.timeoutSeconds,
          handler: handlers.get(fn.name) as HttpHandler,
        })),
      ),
      { port: httpPort!, region },
    );
    stoppers.push(
      () =>
        new Promise<void>((resolveClose) => {
          server.close(() => resolveClose());
          server.closeAllConnections();
        }),
    );

    const pollers = definition.functions.flatMap((fn) =>
      fn.sqs.map((trigger) => {
        const queue = resources.get(trigger.queueLogicalId);
        if (queue === undefined) throw new Error(`${fn.name}: queue ${trigger.queueLogicalId} is not declared`);
        return new SqsPoller(clients.sqs, {
          functionName: `${definition.service}-${stage}-${fn.name}`,
          handler: handlers.get(fn.name) as SqsHandler,
          queueUrl: queue.ref,
          queueArn: queue.arn,
          region,
          batchSize: trigger.batchSize,
          maximumBatchingWindowSeconds: trigger.maximumBatchingWindowSeconds,
          reportsBatchItemFailures: trigger.reportsBatchItemFailures,
          timeoutSeconds: fn.timeoutSeconds,
          concurrency: options.pollerConcurrency ?? 2,
          ...(options.onInvocation === undefined ? {} : { onInvocation: options.onInvocation }),
        });
      }),
    );
    stoppers.push(() => Promise.all(pollers.map((poller) => poller.stop())));

    return {
      httpUrl,
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqsLocal.endpoint,
      stage,
      resources,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `dist/functions/ingest/handler.handler` (the bundle Lambda runs) -> the `handler` export of functions/ingest/handler.ts. */
async function loadHandler(handlerPath: string): Promise<unknown> {
  const match = /^dist\/(.+)\.(\w+)$/.exec(handlerPath);
  if (match === null) throw new Error(`handler ${handlerPath} does not follow dist/<source path>.<export>`);
  const module = await import(pathToFileURL(join(PROJECT_ROOT, `${match[1]}.ts`)).href);
  const handler = module[match[2]!];
  if (typeof handler !== 'function') throw new Error(`${handlerPath}: export ${match[2]} is not a function`);
  return handler;
}
