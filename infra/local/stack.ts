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
import { startSqsLocal, type SqsLocal } from './sqs-local.js';
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
  /** DynamoDB Local's JVM, so callers can check it is gone after stop(). */
  dynamodbPid: number;
  /**
   * Stops in order: HTTP stops accepting and finishes the requests it has,
   * pollers finish their batches (deleting what succeeded), then SQS writes its
   * last snapshot and DynamoDB Local stops. Safe to call more than once.
   */
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

  // Filled in as parts start; stop() stops whichever exist, in this order.
  const parts: { closeHttp?: () => Promise<void>; pollers?: SqsPoller[]; sqs?: SqsLocal; dynamodb?: DynamoDbLocal } = {};
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const steps: Array<[string, (() => Promise<unknown>) | undefined]> = [
        // HTTP first: a sender is answered only for work that is then carried through.
        ['HTTP', parts.closeHttp],
        // Then the pollers finish their batches while the queues and tables they use are still there.
        ['pollers', parts.pollers && (() => Promise.all(parts.pollers!.map((poller) => poller.stop())))],
        ['SQS', parts.sqs && (() => parts.sqs!.stop())],
        ['DynamoDB Local', parts.dynamodb && (() => parts.dynamodb!.stop())],
      ];
      for (const [name, run] of steps) await run?.().catch((error) => console.error(`local stack: stopping ${name} failed:`, error));
    })());
  try {
    // Both are awaited before either failure is thrown, so a started one is always stopped.
    const [dynamodbStart, sqsStart] = await Promise.allSettled([
      startDynamoDbLocal({
        port: dynamodbPort!,
        ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'dynamodb') }),
      }),
      startSqsLocal({ port: sqsPort!, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) }),
    ]);
    if (dynamodbStart.status === 'fulfilled') parts.dynamodb = dynamodbStart.value;
    if (sqsStart.status === 'fulfilled') parts.sqs = sqsStart.value;
    if (dynamodbStart.status === 'rejected') throw dynamodbStart.reason;
    if (sqsStart.status === 'rejected') throw sqsStart.reason;
    const dynamodb = dynamodbStart.value;
    const sqsLocal = sqsStart.value;

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

    const httpRoutes = definition.functions.filter((fn) => fn.http.length > 0);
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
    const longestHttpTimeout = Math.max(1, ...httpRoutes.map((fn) => fn.timeoutSeconds));
    parts.closeHttp = drainOnClose(server, longestHttpTimeout * 1000 + 1000);

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
    parts.pollers = pollers;

    return {
      httpUrl,
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqsLocal.endpoint,
      stage,
      resources,
      dynamodbPid: dynamodb.pid,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Returns a close that stops accepting connections and lets requests already
 * received finish (their senders get the answer they were promised), closing
 * keep-alive connections as soon as they are idle; after `graceMs` the rest
 * are cut. Registered at start, so requests in flight at close are covered.
 */
function drainOnClose(server: Server, graceMs: number): () => Promise<void> {
  let closing = false;
  server.on('request', (_request, response) =>
    response.once('finish', () => {
      // Otherwise the connection would sit idle until its keep-alive timeout.
      if (closing) setImmediate(() => server.closeIdleConnections());
    }),
  );
  return () =>
    new Promise<void>((resolve) => {
      closing = true;
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
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
