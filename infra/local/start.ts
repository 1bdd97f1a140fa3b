import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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

const started = Date.now();
// Lambda runs nodejs22.x; locally Node 20 is supported by the pinned SDK, so its notice about 2027 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dataDir = values['in-memory'] ? undefined : values['data-dir']!;
if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
const adminKey = process.env.TIDINGS_ADMIN_KEY ?? persistedAdminKey(dataDir);
const secretsKey = persistedSecretsKey(dataDir);
// Locally, receivers usually listen on this machine; in AWS nothing private is reachable unless allowed.
const outboundAllowCidrs = process.env.TIDINGS_OUTBOUND_ALLOW_CIDRS ?? '127.0.0.1/32,::1/128';

try {
  const stack = await startLocalStack({
    ...(dataDir === undefined ? {} : { dataDir }),
    adminKey,
    secretsKey,
    outboundAllowCidrs,
    ports: { http: Number(values.port), dynamodb: Number(values['dynamodb-port']), sqs: Number(values['sqs-port']) },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`tidings is running (started in ${seconds} s; ${dataDir === undefined ? 'in memory' : `data in ${dataDir}/`})

  Admin API     ${stack.httpUrl}/v1        Authorization: Bearer ${adminKey}
  Ingest        ${stack.httpUrl}/ingest/<cluster id>/alertmanager
  DynamoDB      ${stack.dynamodbEndpoint}  (DynamoDB Local, pid ${stack.dynamodbPid})
  SQS           ${stack.sqsEndpoint}
  Outbound allowed to private addresses: ${outboundAllowCidrs || '(none)'}

Press Ctrl-C to stop.`);
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C: leave now. The exit hook kills DynamoDB Local; batches cut short run again after a restart.
      console.log(`\n${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    console.log('\nstopping: HTTP first, then the pollers finish their batches, then SQS and DynamoDB Local...');
    await stack.stop();
    console.log('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
} catch (error) {
  if (error instanceof PortInUseError) {
    console.error(`tidings: ${error.message}. Stop whatever uses it, or choose another port (--port, --dynamodb-port, --sqs-port).`);
  } else {
    console.error('tidings: could not start:', error);
  }
  process.exit(1);
}

/** A generated admin key, kept with the data so it survives restarts. */
function persistedAdminKey(dir: string | undefined): string {
  const path = dir === undefined ? undefined : join(dir, 'admin-key');
  if (path !== undefined && existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = 'tdga_' + randomBytes(24).toString('base64url');
  if (path !== undefined) writeFileSync(path, key + '\n', { mode: 0o600 });
  return key;
}

/** The key that seals config secrets locally, kept with the data (they are unreadable without it). */
function persistedSecretsKey(dir: string | undefined): Buffer {
  const path = dir === undefined ? undefined : join(dir, 'secrets.key');
  if (path !== undefined && existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  if (path !== undefined) writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}
