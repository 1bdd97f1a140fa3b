import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { invokeWithTimeout, lambdaContext } from './lambda-context.js';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface HttpRoute {
  functionName: string;
  method: string;
  path: string;
  timeoutSeconds: number;
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

/** Turns `/ingest/{clusterId}/{proxy+}` into a matcher that yields path parameters. */
function compileRoute(path: string): (requestPath: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) {
        names.push(greedy[1]!);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param) {
        names.push(param[1]!);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const regex = new RegExp(`^${pattern}$`);
  return (requestPath) => {
    const match = regex.exec(requestPath);
    if (match === null) return undefined;
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
  };
}

/**
 * A local stand-in for an API Gateway HTTP API (payload format 2.0): matches
 * the routes declared in serverless.yml, builds the same event Lambda would
 * receive, and writes the handler's structured result back.
 */
export function startHttpGateway(routes: HttpRoute[], options: { port: number; region: string }): Promise<Server> {
  const compiled = routes.map((route) => ({ ...route, match: compileRoute(route.path) }));
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let route: (typeof compiled)[number] | undefined;
    let pathParameters: Record<string, string> | undefined;
    for (const candidate of compiled) {
      if (candidate.method !== '*' && candidate.method.toUpperCase() !== method) continue;
      pathParameters = candidate.match(url.pathname);
      if (pathParameters !== undefined) {
        route = candidate;
        break;
      }
    }
    if (route === undefined) return send(res, 404, { message: 'Not Found' });

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return send(res, 413, { message: 'Request Entity Too Large' });
      chunks.push(chunk as Buffer);
    }
    const bodyBytes = Buffer.concat(chunks);
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
    try {
      const context = lambdaContext(route.functionName, route.timeoutSeconds, options.region);
      const result = await invokeWithTimeout(() => route!.handler(event, context), route.timeoutSeconds, route.functionName);
      writeResult(res, result);
    } catch (error) {
      console.error(`[${route.functionName}] invocation failed:`, error);
      send(res, 500, { message: 'Internal Server Error' });
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
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

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
