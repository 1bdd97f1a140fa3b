import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack.js';

export const TEST_ADMIN_KEY = 'test-admin-key';

/**
 * This file's stage: its tables and queues on the shared stand-ins are its own.
 * The same for every stack the file starts, so a restarted stack finds its data.
 */
const FILE_STAGE = aStage();

/** A stage no other stack of the run uses, for a test that needs a stack (and queues) of its own. */
export function aStage(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How much of Lambda's batching windows the test stacks wait (serverless.yml's
 * `maximumBatchingWindow`, 2 s on the groups queue, which a notification passes
 * twice). The window tunes throughput and is no part of behaviour; batches
 * still form, but a delivery takes about a second instead of five.
 * TIDINGS_TEST_BATCHING_WINDOW_SCALE=1 runs with the deployed windows.
 */
const BATCHING_WINDOW_SCALE = Number(process.env.TIDINGS_TEST_BATCHING_WINDOW_SCALE ?? (process.env.VITEST === undefined ? '1' : '0.1'));

/**
 * The run's shared stand-ins (test/global-setup.ts) under vitest. The bench
 * also starts stacks through this file, outside vitest, where importing
 * vitest fails: there each stack starts stand-ins of its own.
 */
async function sharedStandIns() {
  if (process.env.VITEST === undefined) return undefined;
  const { inject } = await import('vitest');
  return inject('standIns');
}

/**
 * serverless.yml with its batching windows scaled, written once per content
 * under node_modules/.cache (next to an `infra` link, so its `${file(infra/...)}`
 * references resolve as from the project root).
 */
function testServerlessConfig(): string | undefined {
  if (BATCHING_WINDOW_SCALE === 1) return undefined;
  const original = readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8');
  const scaled = original.replace(/(maximumBatchingWindow:\s*)(\d+(?:\.\d+)?)/g, (_, key: string, seconds: string) => `${key}${Number(seconds) * BATCHING_WINDOW_SCALE}`);
  const dir = join(PROJECT_ROOT, 'node_modules/.cache/tidings-test', createHash('sha256').update(scaled).digest('hex').slice(0, 16));
  const path = join(dir, 'serverless.yml');
  mkdirSync(dir, { recursive: true });
  try {
    symlinkSync(join(PROJECT_ROOT, 'infra'), join(dir, 'infra'), 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Files start in parallel: each writes its own temporary file and renames it into place.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, scaled);
  renameSync(temporary, path);
  return path;
}

/**
 * Starts the whole stack in memory on random free ports, allowing outbound calls to 127.0.0.1 only.
 * It runs on the run's shared DynamoDB Local and SQS (test/global-setup.ts) unless the test gives a
 * data directory or stand-in ports: restarts and stops need stand-ins of their own.
 */
export async function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  const ownStandIns = overrides.dataDir !== undefined || overrides.ports?.dynamodb !== undefined || overrides.ports?.sqs !== undefined;
  const shared = ownStandIns ? undefined : await sharedStandIns();
  const serverlessConfig = testServerlessConfig();
  return startLocalStack({
    stage: FILE_STAGE,
    ...(shared === undefined ? {} : { sharedStandIns: shared }),
    ...(serverlessConfig === undefined ? {} : { serverlessConfig }),
    adminKey: TEST_ADMIN_KEY,
    outboundAllowCidrs: '127.0.0.1/32',
    logLevel: (process.env.TIDINGS_TEST_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR',
    // Scheduled functions stay off unless a test turns them on: they would only add load to the others.
    scheduleEverySeconds: 0,
    ...overrides,
    // Routing reads configuration fresh each time, so a test's change applies to its next alert.
    env: { TIDINGS_ROUTING_CACHE_MS: '1', ...overrides.env },
  });
}

/** A tiny client for the admin API of a running stack. */
export function adminClient(stack: LocalStack, key = TEST_ADMIN_KEY) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${stack.httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as any) };
  };
  return {
    call,
    createCluster: async (accountId: string, name: string) => {
      const response = await call('POST', `/v1/accounts/${accountId}/clusters`, { name });
      if (response.status !== 201) throw new Error(`createCluster: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body as { id: string; token: string; ingestUrl: string; name: string };
    },
    /** A webhook receiver grouping by alertname with second-scale timing, so tests need not wait Alertmanager's 30 s. */
    putWebhookReceiver: async (
      accountId: string,
      name: string,
      url: string,
      grouping: Record<string, unknown> = { groupBy: ['alertname'], groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    ) => {
      const response = await call('PUT', `/v1/accounts/${accountId}/receivers/${name}`, { channel: 'webhook', settings: { url }, grouping });
      if (response.status >= 300) throw new Error(`putWebhookReceiver: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    history: async (accountId: string, query = '') => (await call('GET', `/v1/accounts/${accountId}/history${query}`)).body,
  };
}

/** Polls until `check` returns a value that is not undefined, or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
