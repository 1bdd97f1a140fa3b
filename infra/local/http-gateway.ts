import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { compilePathPattern } from '../../lib/http/path-pattern.js';
import { lambdaContext } from './lambda-context.js';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface HttpRoute {
  functionName: string;
  method: string;
  path: string;
  timeoutSeconds: number;
  /** Enforces the function's timeout itself (a local sandbox is stopped, not abandoned). */
  handler: HttpHandler;
}

/** API Gateway's own payload limit for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Media types API Gateway passes as text; everything else (and any encoded body) arrives base64-encoded. */
function isTextual(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding !== undefined && contentEncoding !== 'identity') return false;
  const type = (contentType ?? '').toLowerCase();
  return type.startsWith('text/') || type.includes('json') || type.includes('xml') || type.includes('x-www-form-urlencoded');
}

/** A request the gateway answers itself, as API Gateway does, before any function runs. */
class GatewayRequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'GatewayRequestError';
  }
}

/** The path and query of a request target in origin form (`/a?b`), absolute form (`http://h/a?b`) or `*`. */
function parseTarget(target: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(target ?? '/', 'http://localhost');
  } catch {
    throw new GatewayRequestError(400, 'malformed request target', 'path');
  }
  try {
    // API Gateway refuses a path it cannot decode rather than passing it on.
    decodeURIComponent(url.pathname);
  } catch {
    throw new GatewayRequestError(400, 'malformed percent-encoding in path', 'path');
  }
  return url;
}

/** The body, or undefined when the client went away before sending all of it (aborted, short, badly chunked). */
function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else reject(new GatewayRequestError(413, 'Request Entity Too Large', 'body'));
    });
    req.once('end', () => resolve(req.complete ? Buffer.concat(chunks) : undefined));
    // Without 'end' first, the client is gone; the parser has already told clientError and nobody waits for an answer.
    req.once('close', () => resolve(undefined));
    req.once('error', () => resolve(undefined));
  });
}

/**
 * A local stand-in for an API Gateway HTTP API (payload format 2.0): matches
 * the routes declared in serverless.yml, builds the same event Lambda would
 * receive, and writes the handler's structured result back. No request, however
 * malformed, may stop the process: the gateway answers 4xx itself for what API
 * Gateway would refuse, drops requests whose client is gone, and turns anything
 * unexpected into a 500.
 */
export function startHttpGateway(routes: HttpRoute[], options: { port: number; region: string }): Promise<Server> {
  const compiled = routes.map((route) => ({ ...route, match: compilePathPattern(route.path) }));
  // The response in progress on each socket, so a parse error is never written into the middle of one.
  const inProgress = new WeakMap<Duplex, ServerResponse>();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseTarget(req.url);
    const method = (req.method ?? 'GET').toUpperCase();
    let route: (typeof compiled)[number] | undefined;
    let pathParameters: Record<string, string> | undefined;
    // API Gateway routes `/console/` to the `/console` route when nothing else takes it; the function still sees the slash in rawPath.
    const withoutSlash = url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : undefined;
    for (const path of withoutSlash === undefined ? [url.pathname] : [url.pathname, withoutSlash]) {
      for (const candidate of compiled) {
        if (candidate.method !== '*' && candidate.method.toUpperCase() !== method) continue;
        pathParameters = candidate.match(path);
        if (pathParameters !== undefined) {
          route = candidate;
          break;
        }
      }
      if (route !== undefined) break;
    }
    if (route === undefined) return send(res, 404, { message: 'Not Found' });

    const bodyBytes = await readBody(req, MAX_BODY_BYTES);
    // The client is gone: the function is not invoked, and clientError has closed (or answered on) the socket.
    if (bodyBytes === undefined) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const textual = isTextual(headers['content-type'], headers['content-encoding']);
    const now = new Date();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: `${route.method === '*' ? 'ANY' : route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(Object.keys(pathParameters!).length > 0 ? { pathParameters: pathParameters! } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: 'local',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: `${route.method === '*' ? 'ANY' : route.method} ${route.path}`,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(bodyBytes.length > 0 ? { body: bodyBytes.toString(textual ? 'utf8' : 'base64') } : {}),
      isBase64Encoded: bodyBytes.length > 0 && !textual,
    };
    let result: APIGatewayProxyResultV2;
    try {
      const context = lambdaContext(route.functionName, route.timeoutSeconds, options.region);
      result = await route.handler(event, context);
    } catch (error) {
      console.error(`[${route.functionName}] invocation failed:`, error);
      return send(res, 500, { message: 'Internal Server Error' });
    }
    writeResult(res, result);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    inProgress.set(req.socket, res);
    res.once('close', () => {
      if (inProgress.get(req.socket) === res) inProgress.delete(req.socket);
    });
    // Stream errors after the client has gone must not become uncaught 'error' events; socket errors reach clientError.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    serve(req, res).catch((error: unknown) => {
      if (error instanceof GatewayRequestError) {
        return answer(req, res, error.statusCode, { error: error.message, issues: [{ field: error.field, message: error.message }] });
      }
      console.error('[gateway] request failed:', error);
      answer(req, res, 500, { message: 'Internal Server Error' });
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, inProgress.get(socket)));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      // After listening, a server error (e.g. out of file descriptors) is reported, never thrown.
      server.on('error', (error) => console.error('[gateway] server error:', error));
      resolve(server);
    });
  });
}

/** Answers unless the answer can no longer be delivered (headers already out, or the client is gone), then closes. */
function answer(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || !req.socket.writable) {
    res.destroy();
    return;
  }
  // The rest of a refused request may be unread, so the connection is not reused.
  send(res, status, body, { connection: 'close' });
}

/** A request Node's parser refused (bad request line, headers or chunking; timeouts): 4xx as JSON where the socket can still take it. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, response: ServerResponse | undefined): void {
  if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent === true) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message = `malformed HTTP request${error.code === undefined ? '' : ` (${error.code})`}`;
  const body = JSON.stringify({ error: message, issues: [{ field: 'request', message }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || result === null || result === undefined || !('statusCode' in (result as object))) {
    // Payload 2.0: anything that is not a structured result is returned as a JSON 200.
    return send(res, 200, result ?? null);
  }
  const structured = result as Exclude<APIGatewayProxyResultV2, string>;
  const headers = { ...(structured.headers ?? {}) } as Record<string, string>;
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(structured.body === undefined ? undefined : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8'));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
