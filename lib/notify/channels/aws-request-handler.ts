import { createHash } from 'node:crypto';
import { ChannelError } from '../channel.js';
import { ForbiddenDestinationError, OutboundNetworkError, type OutboundHttp } from '../../net/outbound-http.js';
import type { AwsClientSettings } from '../aws-services.js';

/** The parts of the SDK's HTTP request the handler reads (a structural subset of smithy's `HttpRequest`). */
interface SdkHttpRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | Array<string> | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * A request handler for AWS SDK v3 clients that sends through the project's
 * SSRF-guarded `OutboundHttp`, so SDK calls obey the same address policy as
 * every other outbound call (the endpoint is tenant-configurable) and tests
 * can point a client at a local server.
 */
export function outboundRequestHandler(http: OutboundHttp, timeoutMs: number) {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SdkHttpRequest) {
      const method = request.method.toUpperCase();
      if (method !== 'GET' && method !== 'POST' && method !== 'PUT') {
        throw new ChannelError(`unsupported AWS request method ${method}`, false);
      }
      const response = await http({
        method,
        url: requestUrl(request),
        headers: request.headers,
        body: requestBody(request.body),
        timeoutMs,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { response: { statusCode: response.status, reason: undefined, headers, body: Buffer.from(response.body, 'utf8') } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
}

/** What an AWS channel passes to its SDK client's constructor. */
export type AwsClientConfig = ReturnType<typeof awsClientConfig>;

function awsClientConfig(settings: AwsClientSettings, http: OutboundHttp) {
  return {
    region: settings.region,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    requestHandler: outboundRequestHandler(http, settings.timeoutMs),
    // The delivery queue owns retries and their backoff; the SDK must not multiply them.
    maxAttempts: 1,
  };
}

/** More distinct destinations than this in one process is unusual; the least recently used client is dropped. */
const MAX_CLIENTS_PER_HTTP = 64;

/**
 * An AWS channel's SDK clients, one per region, endpoint, credentials and
 * timeout, built on the first send there and reused by later sends (a client
 * per send resolved the role's credentials and endpoint again every time).
 * Kept per `OutboundHttp` as well, since the client sends through it. A
 * dropped client needs no `destroy()`: its request handler holds no sockets.
 */
export class AwsClientCache<Client> {
  readonly #clients = new WeakMap<OutboundHttp, Map<string, Client>>();

  get(settings: AwsClientSettings, http: OutboundHttp, create: (config: AwsClientConfig) => Client): Client {
    let clients = this.#clients.get(http);
    if (clients === undefined) this.#clients.set(http, (clients = new Map()));
    // Hashed so that the map keys hold no credentials.
    const key = createHash('sha256')
      .update(JSON.stringify([settings.region, settings.endpoint ?? null, settings.timeoutMs, settings.credentials ?? null]))
      .digest('base64');
    let client = clients.get(key);
    if (client === undefined) {
      client = create(awsClientConfig(settings, http));
      if (clients.size >= MAX_CLIENTS_PER_HTTP) clients.delete(clients.keys().next().value!);
    } else {
      clients.delete(key);
    }
    clients.set(key, client);
    return client;
  }
}

function requestUrl(request: SdkHttpRequest): string {
  const port = request.port === undefined ? '' : `:${request.port}`;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === null) query.append(name, '');
    else for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
  }
  const search = query.toString();
  return `${request.protocol}//${request.hostname}${port}${request.path}${search ? `?${search}` : ''}`;
}

function requestBody(body: unknown): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  // A view over the same bytes: `Buffer.from(array)` would call the SDK's string adapter's `valueOf`.
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new ChannelError('streaming request bodies are not supported', false);
}

/** SDK error names that mean "slow down", across services. */
const THROTTLING = /throttl|toomanyrequests|limitexceeded|requestlimit|slowdown/i;

/**
 * Maps an AWS SDK failure to the shared retry table: transport failures and
 * throttling, 429 and 5xx retry; other service errors (bad request, message
 * rejected, opted-out number) and credential failures do not. The message
 * names the error and status only: SDK messages can quote request values.
 */
export function awsChannelError(error: unknown, service: string): ChannelError {
  if (error instanceof ChannelError) return error;
  const transport = findCause(error);
  if (transport instanceof ForbiddenDestinationError) return new ChannelError(transport.message, false, { cause: error });
  if (transport instanceof OutboundNetworkError) return new ChannelError(`network error: ${transport.message}`, true, { cause: error });
  const failure = (error ?? {}) as { name?: unknown; $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof failure.name === 'string' ? failure.name : 'Error';
  const status = typeof failure.$metadata?.httpStatusCode === 'number' ? failure.$metadata.httpStatusCode : undefined;
  if (name === 'CredentialsProviderError') {
    return new ChannelError(`${service}: no AWS credentials available`, false, { cause: error });
  }
  const retryable = THROTTLING.test(name) || status === 429 || (status !== undefined && status >= 500) || failure.$fault === 'server';
  const details = status === undefined ? { cause: error } : { statusCode: status, cause: error };
  return new ChannelError(`${service} answered ${name}${status === undefined ? '' : ` (HTTP ${status})`}`, retryable, details);
}

function findCause(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof ForbiddenDestinationError || current instanceof OutboundNetworkError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Whether an endpoint is AWS's own (public or VPC endpoint): only those may receive requests signed with the role's credentials. */
export function isAwsEndpoint(endpoint: string): boolean {
  try {
    const { hostname, protocol } = new URL(endpoint);
    return protocol === 'https:' && /(^|\.)amazonaws\.com(\.cn)?$/i.test(hostname);
  } catch {
    return false;
  }
}
