import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/stack.js';

export const TEST_ADMIN_KEY = 'test-admin-key';

/** Starts the whole stack in memory on random free ports, allowing outbound calls to 127.0.0.1 only. */
export function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return startLocalStack({
    stage: `t${process.pid}`,
    adminKey: TEST_ADMIN_KEY,
    outboundAllowCidrs: '127.0.0.1/32',
    logLevel: (process.env.TIDINGS_TEST_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR',
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
