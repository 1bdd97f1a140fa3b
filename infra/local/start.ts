import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { localAdminKey } from './admin-key.js';
import { PortInUseError } from './ports.js';
import { startLocalStack } from './stack.js';

/**
 * `npm start`: tidings on this machine. Data persists in .tidings/ unless
 * --in-memory (or TIDINGS_IN_MEMORY=1) is given.
 */
const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: process.env.TIDINGS_IN_MEMORY === '1' },
    'data-dir': { type: 'string', default: process.env.TIDINGS_DATA_DIR ?? '.tidings' },
    port: { type: 'string', default: process.env.TIDINGS_HTTP_PORT ?? '4000' },
    'dynamodb-port': { type: 'string', default: process.env.TIDINGS_DYNAMODB_PORT ?? '4001' },
    'sqs-port': { type: 'string', default: process.env.TIDINGS_SQS_PORT ?? '4002' },
  },
});

// Lambda runs nodejs22.x; locally Node 20 is supported by the pinned SDK, so its notice about 2027 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = values['in-memory'] ? undefined : values['data-dir']!;
if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
const { key: adminKey, where: adminKeyWhere } = localAdminKey(process.env.TIDINGS_ADMIN_KEY, dataDir);
// Locally, receivers usually listen on this machine; in AWS nothing private is reachable unless allowed.
const outboundAllowCidrs = process.env.TIDINGS_OUTBOUND_ALLOW_CIDRS ?? '127.0.0.1/32,::1/128';

try {
  const stack = await startLocalStack({
    ...(dataDir === undefined ? {} : { dataDir }),
    adminKey,
    outboundAllowCidrs,
    ports: { http: Number(values.port), dynamodb: Number(values['dynamodb-port']), sqs: Number(values['sqs-port']) },
    ...(process.env.TIDINGS_BUNDLE_CACHE_DIR === undefined ? {} : { bundleCacheDir: process.env.TIDINGS_BUNDLE_CACHE_DIR }),
  });
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: leave now. The exit hook kills DynamoDB Local; batches cut short run again after a restart.
      console.log(`\n${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    console.log('\nstopping: HTTP first, then the pollers finish their batches, then the functions, SQS and DynamoDB Local...');
    await stack.stop();
    console.log('stopped');
    process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) =>
    void shutdown(signal).catch((error: unknown) => {
      console.error('tidings: could not stop cleanly:', error);
      process.exit(1);
    });
  // Before the ready message: whoever reads it may stop us at once (a signal with no handler yet would kill node outright).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // From node's own start (imports included), which is what someone waiting on `npm start` sees.
  const seconds = process.uptime().toFixed(1);
  const bundles = stack.functions.bundlesBuilt ? `built in ${(stack.functions.bundleMilliseconds / 1000).toFixed(1)} s` : 'unchanged, reused';
  console.log(`tidings is running (started in ${seconds} s; ${dataDir === undefined ? 'in memory' : `data in ${dataDir}/`}; function bundles ${bundles})

  Admin API     ${stack.httpUrl}/v1        Authorization: Bearer ${adminKey}
                (operator key ${adminKeyWhere})
  Ingest        ${stack.httpUrl}/ingest/<cluster id>/alertmanager
  Console       ${stack.httpUrl}/console
  DynamoDB      ${stack.dynamodbEndpoint}  (DynamoDB Local, pid ${stack.dynamodbPid})
  SQS           ${stack.sqsEndpoint}
  Functions     each in worker threads of its own, from ${stack.functions.bundleDir ?? 'source'}
  Outbound allowed to private addresses: ${outboundAllowCidrs || '(none)'}

Press Ctrl-C to stop.`);
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`tidings: ${error.message}. Stop whatever uses it, or choose another port (--port, --dynamodb-port, --sqs-port).`);
  } else {
    console.error('tidings: could not start:', error);
  }
  process.exit(1);
}
