import { randomUUID } from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { functionBundles, holdBundles } from './function-bundles.js';
import { functionEnvironment } from './function-environment.js';
import { startHttpGateway, type HttpHandler } from './http-gateway.js';
import { invokeWithTimeout } from './lambda-context.js';
import { LocalFunction } from './local-function.js';
import { assertPortFree, freePort } from './ports.js';
import { createLocalQueues, createLocalTables, localTableReferences, resolveIntrinsics } from './resources.js';
import { loadServiceDefinition, type ServiceDefinition } from './serverless-config.js';
import { startSqsLocal, type SqsLocal } from './sqs-local.js';
import { SqsPoller, type PollerOptions, type SqsHandler } from './sqs-poller.js';
import { protocolQueueReader } from './queue-reader.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The stand-ins accept any credentials; these keep the SDK from looking for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalStackOptions {
  /** Names resources like a deployment stage would (`tidings-<stage>-alerts`). */
  stage?: string;
  /** Where tables and queued messages persist; in memory when absent. */
  dataDir?: string;
  /** 0 picks a free port. */
  ports?: { http?: number; dynamodb?: number; sqs?: number };
  /** The operator key the admin API accepts. */
  adminKey: string;
  /**
   * Seals config secrets locally (32 bytes); in AWS, KMS does. When absent:
   * kept in `<dataDir>/secrets.key` (sealed data outlives a restart only with
   * its key), or random per start in memory.
   */
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
  /**
   * `worker` (default): each function runs its deployed bundle in worker
   * threads of its own, with only the environment serverless.yml gives it,
   * and is stopped at its timeout. `none`: every handler runs in this process
   * from TypeScript source with one merged environment written into
   * process.env (for benchmarks that instrument the handlers' SDK clients);
   * a timeout fails the invocation but cannot stop the handler.
   */
  isolation?: 'worker' | 'none';
  /** The serverless.yml to run; the project's own by default (tests run modified copies). */
  serverlessConfig?: string;
  /** Bundles already built, laid out like dist/ (`<dir>/functions/<name>/handler.mjs`); built and cached when absent. */
  bundleDir?: string;
  /** Where built bundles are cached; node_modules/.cache/tidings-functions by default. */
  bundleCacheDir?: string;
  /** Runs every scheduled function this often instead of at its `rate(...)` (tests); 0 turns schedules off. */
  scheduleEverySeconds?: number;
  /** Sandboxes (worker threads) each function may run at once; at least pollerConcurrency. Default 4. */
  functionConcurrency?: number;
  /** Receives what the functions write (their logs) instead of this process's stdout and stderr; isolation 'worker' only. */
  functionOutput?: (functionName: string, text: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Test hook: stand-ins already running (one DynamoDB Local and one SQS for a whole
   * test run) are used instead of starting new ones, and stop() leaves them running.
   * Their data is shared, so `stage` must keep each stack's tables and queues apart.
   */
  sharedStandIns?: { dynamodb: { endpoint: string; pid: number }; sqsEndpoint: string };
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
  /** How the functions run: their bundles' directory, and whether this start built them (false: cached or given). */
  functions: { isolation: 'worker' | 'none'; bundleDir?: string; bundlesBuilt: boolean; bundleMilliseconds: number };
  /**
   * Stops in order: HTTP stops accepting and finishes the requests it has,
   * pollers finish their batches (deleting what succeeded), the functions'
   * sandboxes are terminated, then SQS writes its last snapshot and DynamoDB
   * Local stops. Safe to call more than once.
   */
  stop(): Promise<void>;
}

/**
 * Runs tidings on one machine: DynamoDB Local and fauxqs as protocol-level
 * stand-ins, the tables and queues of serverless.yml created on them, the
 * HTTP functions behind a local API Gateway and the SQS functions behind
 * local event source mappings, all executing the bundles that deploy to Lambda.
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
  const parts: {
    closeHttp?: () => Promise<void>;
    pollers?: SqsPoller[];
    stopSchedules?: () => Promise<void>;
    functions?: LocalFunction[];
    releaseBundles?: () => void;
    sqs?: SqsLocal;
    dynamodb?: DynamoDbLocal;
  } = {};
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const steps: Array<[string, (() => Promise<unknown>) | undefined]> = [
        // HTTP first: a sender is answered only for work that is then carried through.
        ['HTTP', parts.closeHttp],
        ['schedules', parts.stopSchedules],
        // Then the pollers finish their batches while the queues and tables they use are still there.
        ['pollers', parts.pollers && (() => Promise.all(parts.pollers!.map((poller) => poller.stop())))],
        // Nothing invokes them any more; their threads go before the stand-ins they talk to.
        ['functions', () => Promise.all((parts.functions ?? []).map((fn) => fn.stop())).finally(() => parts.releaseBundles?.())],
        ['SQS', parts.sqs && (() => parts.sqs!.stop())],
        ['DynamoDB Local', parts.dynamodb && (() => parts.dynamodb!.stop())],
      ];
      for (const [name, run] of steps) await run?.().catch((error) => console.error(`local stack: stopping ${name} failed:`, error));
    })());
  const isolation = options.isolation ?? 'worker';
  // Settled before stop() can run, so a stand-in that was starting is stopped too.
  const dynamodbStarting = (options.sharedStandIns ? Promise.resolve(borrowed(options.sharedStandIns.dynamodb)) : startDynamoDbLocal({
    port: dynamodbPort!,
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'dynamodb') }),
  })).then((started) => (parts.dynamodb = started));
  dynamodbStarting.catch(() => undefined);
  try {
    const [sqsStart, bundlesStart] = await Promise.allSettled([
      options.sharedStandIns
        ? Promise.resolve(borrowed<Omit<SqsLocal, 'stop'>>({ endpoint: options.sharedStandIns.sqsEndpoint }))
        : startSqsLocal({ port: sqsPort!, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) }),
      // esbuild runs while the JVM starts; unchanged sources reuse the last build.
      isolation === 'none' || options.bundleDir !== undefined
        ? Promise.resolve({ dir: options.bundleDir, built: false, milliseconds: 0 })
        : functionBundles(options.bundleCacheDir),
    ]);
    if (sqsStart.status === 'fulfilled') parts.sqs = sqsStart.value;
    if (sqsStart.status === 'rejected') throw sqsStart.reason;
    if (bundlesStart.status === 'rejected') throw bundlesStart.reason;
    const sqsLocal = sqsStart.value;
    const bundles = bundlesStart.value;
    if (isolation === 'worker' && options.bundleDir === undefined) parts.releaseBundles = holdBundles(bundles.dir!);
    // The address DynamoDB Local will answer on; functions may load before it does (they connect on first use).
    const dynamodbEndpoint = options.sharedStandIns?.dynamodb.endpoint ?? `http://127.0.0.1:${dynamodbPort}`;

    // For callers' own SDK clients against the stand-ins (tests, benchmarks); the functions never see process.env.
    process.env.AWS_REGION ??= region;
    process.env.AWS_ACCESS_KEY_ID ??= LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_CREDENTIALS.secretAccessKey;
    const adminKeySha256 = createHash('sha256').update(options.adminKey).digest('hex');
    // What `${env:...}` in serverless.yml sees, as the framework would at deploy time.
    const deployEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TIDINGS_ADMIN_KEY_SHA256: adminKeySha256,
      TIDINGS_OUTBOUND_ALLOW_CIDRS: options.outboundAllowCidrs ?? '',
      ...options.env,
    };
    const definition = loadServiceDefinition(options.serverlessConfig ?? join(PROJECT_ROOT, 'serverless.yml'), { stage, region, env: deployEnv });
    const clients = {
      dynamodb: new DynamoDBClient({ endpoint: dynamodbEndpoint, region, credentials: LOCAL_CREDENTIALS }),
      sqs: new SQSClient({ endpoint: sqsLocal.endpoint, region, credentials: LOCAL_CREDENTIALS }),
    };
    const queues = await createLocalQueues(definition, clients.sqs);
    sqsLocal.restore();
    const resources = new Map([...localTableReferences(definition), ...queues]);

    const kmsKeys = new Set(Object.entries(definition.resources).filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id));
    const httpUrl = `http://127.0.0.1:${httpPort}`;
    const attributes = { 'HttpApi.ApiEndpoint': httpUrl };
    const resolveValue = (value: unknown) => resolveIntrinsics(value, resources, attributes, kmsKeys);
    const secretsLocalKey = (options.secretsKey ?? persistedSecretsKey(options.dataDir)).toString('base64');
    const qualifiedName = (name: string) => `${definition.service}-${stage}-${name}`;

    // The untyped invocation: each trigger below knows the event its function takes.
    const handlers = new Map<string, (event: unknown, context: Context) => Promise<unknown>>();
    const loadFunctions = async () => {
      if (isolation === 'worker') {
        const functions = definition.functions.map(
          (fn) =>
            new LocalFunction({
              functionName: qualifiedName(fn.name),
              ...bundleOf(fn.handler, bundles.dir!),
              environment: functionEnvironment(definition, fn, resolveValue, {
                region,
                dynamodbEndpoint,
                sqsEndpoint: sqsLocal.endpoint,
                secretsLocalKey,
                ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
              }),
              timeoutSeconds: fn.timeoutSeconds,
              memorySizeMb: fn.memorySizeMb,
              region,
              maxConcurrency: Math.max(options.functionConcurrency ?? 4, options.pollerConcurrency ?? 2),
              ...(options.functionOutput === undefined
                ? {}
                : { onOutput: (text: string, stream: 'stdout' | 'stderr') => options.functionOutput!(qualifiedName(fn.name), text, stream) }),
            }),
        );
        parts.functions = functions;
        // Every bundle is loaded now, so one that cannot load stops the start with its function's name and error.
        const inits = await Promise.allSettled(functions.map((fn) => fn.start()));
        const failed = inits.find((init): init is PromiseRejectedResult => init.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        definition.functions.forEach((fn, index) => handlers.set(fn.name, (event, context) => functions[index]!.invoke(event, context.awsRequestId)));
      } else {
        loadIntoProcess(definition, resolveValue, {
          AWS_REGION: region,
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
          AWS_ENDPOINT_URL_SQS: sqsLocal.endpoint,
          SECRETS_LOCAL_KEY: secretsLocalKey,
          ...(options.logLevel === undefined ? {} : { POWERTOOLS_LOG_LEVEL: options.logLevel }),
        });
        await Promise.all(
          definition.functions.map(async (fn) => {
            const handler = (await loadHandler(fn.handler)) as (event: unknown, context: Context) => Promise<unknown>;
            handlers.set(fn.name, (event, context) => invokeWithTimeout(() => handler(event, context), fn.timeoutSeconds, qualifiedName(fn.name)));
          }),
        );
      }
    };
    // Functions load while DynamoDB Local is still starting; both must be done before anything is invoked.
    const [loaded, tablesReady] = await Promise.allSettled([loadFunctions(), dynamodbStarting.then(() => createLocalTables(definition, clients.dynamodb))]);
    if (tablesReady.status === 'rejected') throw tablesReady.reason;
    if (loaded.status === 'rejected') throw loaded.reason;
    const dynamodb = parts.dynamodb!;

    const httpRoutes = definition.functions.filter((fn) => fn.http.length > 0);
    const server: Server = await startHttpGateway(
      definition.functions.flatMap((fn) =>
        fn.http.map((trigger) => ({
          functionName: qualifiedName(fn.name),
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

    const queueReader =
      sqsLocal.reader ??
      protocolQueueReader({
        longPolls: clients.sqs,
        requests: new SQSClient({ endpoint: sqsLocal.endpoint, region, credentials: LOCAL_CREDENTIALS, cacheMiddleware: true }),
      });
    const pollers = definition.functions.flatMap((fn) =>
      fn.sqs.map((trigger) => {
        const queue = resources.get(trigger.queueLogicalId);
        if (queue === undefined) throw new Error(`${fn.name}: queue ${trigger.queueLogicalId} is not declared`);
        return new SqsPoller(queueReader, {
          functionName: qualifiedName(fn.name),
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
    parts.stopSchedules = startSchedules(
      definition.functions.flatMap((fn) =>
        fn.schedules.map((schedule) => ({
          functionName: qualifiedName(fn.name),
          everySeconds: options.scheduleEverySeconds ?? schedule.everySeconds,
          handler: handlers.get(fn.name) as (event: unknown, context: unknown) => Promise<unknown>,
        })),
      ),
      region,
    );

    return {
      httpUrl,
      dynamodbEndpoint: dynamodb.endpoint,
      sqsEndpoint: sqsLocal.endpoint,
      stage,
      resources,
      dynamodbPid: dynamodb.pid,
      functions: {
        isolation,
        ...(bundles.dir === undefined ? {} : { bundleDir: bundles.dir }),
        bundlesBuilt: bundles.built,
        bundleMilliseconds: bundles.milliseconds,
      },
      stop,
    };
  } catch (error) {
    await dynamodbStarting.catch(() => undefined);
    await stop();
    throw error;
  }
}

/**
 * EventBridge schedules: each function is invoked with a Scheduled Event every
 * `everySeconds`, never while its previous run is still going (a local
 * simplification: EventBridge may overlap runs, which the scheduled functions
 * tolerate). The returned stop waits for runs in progress.
 */
function startSchedules(
  schedules: Array<{ functionName: string; everySeconds: number; handler: (event: unknown, context: unknown) => Promise<unknown> }>,
  region: string,
): () => Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = schedules
    .filter((schedule) => schedule.everySeconds > 0)
    .map((schedule) => {
      let current: Promise<unknown> | undefined;
      return setInterval(() => {
        if (current !== undefined) return;
        const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const event = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time, region, resources: [], detail: {} };
        current = schedule
          .handler(event, { functionName: schedule.functionName, awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 60_000 })
          .catch((error: unknown) => console.error(`local stack: scheduled ${schedule.functionName} failed:`, error))
          .finally(() => {
            running.delete(current!);
            current = undefined;
          });
        running.add(current);
      }, schedule.everySeconds * 1000);
    });
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(running);
  };
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

/** `dist/functions/ingest/handler.handler` -> `<bundleDir>/functions/ingest/handler.mjs` and its `handler` export, as Lambda resolves it. */
function bundleOf(handlerPath: string, bundleDir: string): { bundle: string; exportName: string } {
  const match = /^dist\/(.+)\.(\w+)$/.exec(handlerPath);
  if (match === null) throw new Error(`handler ${handlerPath} does not follow dist/<source path>.<export>`);
  return { bundle: join(bundleDir, `${match[1]}.mjs`), exportName: match[2]! };
}

/** The key sealed data in `dir` was sealed with (created on first use), or a random one when nothing persists. */
function persistedSecretsKey(dir: string | undefined): Buffer {
  if (dir === undefined) return randomBytes(32);
  const path = join(dir, 'secrets.key');
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}

/**
 * isolation 'none': one environment for every function, written into
 * process.env, so a variable must mean the same to all of them.
 */
function loadIntoProcess(definition: ServiceDefinition, resolveValue: (value: unknown) => string, local: Record<string, string>): void {
  const environment: Record<string, string> = {};
  for (const fn of definition.functions) {
    for (const [name, value] of Object.entries({ ...definition.providerEnvironment, ...fn.environment })) {
      const resolved = resolveValue(value);
      if (environment[name] !== undefined && environment[name] !== resolved) {
        throw new Error(`environment variable ${name} differs between functions; running them in one process needs one value`);
      }
      environment[name] = resolved;
    }
  }
  delete environment.NODE_OPTIONS;
  Object.assign(process.env, environment, local);
}

/** isolation 'none': `dist/functions/ingest/handler.handler` -> the `handler` export of functions/ingest/handler.ts. */
async function loadHandler(handlerPath: string): Promise<unknown> {
  const match = /^dist\/(.+)\.(\w+)$/.exec(handlerPath);
  if (match === null) throw new Error(`handler ${handlerPath} does not follow dist/<source path>.<export>`);
  const module = await import(pathToFileURL(join(PROJECT_ROOT, `${match[1]}.ts`)).href);
  const handler = module[match[2]!];
  if (typeof handler !== 'function') throw new Error(`${handlerPath}: export ${match[2]} is not a function`);
  return handler;
}

/** A shared stand-in (options.sharedStandIns): used as it is, never stopped or restored from here. */
function borrowed<T extends object>(standIn: T): T & { stop(): Promise<void>; restore(): void } {
  return { ...standIn, stop: async () => undefined, restore: () => undefined };
}
