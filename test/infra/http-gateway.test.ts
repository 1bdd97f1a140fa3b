import { EventEmitter, once } from 'node:events';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHttpGateway, type HttpHandler } from '../../infra/local/http-gateway.js';
import { lastJsonBody, rawRequest } from '../helpers/raw-http.js';

let server: Server;
let url: string;
let invocations: APIGatewayProxyEventV2[];
/** Call before a request; the function it returns resolves once the server has accepted and closed that connection, so "not invoked" is checked after the server is done. */
let serverDoneWithNext: () => () => Promise<void>;

const echo: HttpHandler = async (event) => {
  invocations.push(event);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: event.rawPath, body: event.body ?? null }) };
};
// Returns a status code Node refuses to write: the gateway's own failure, not the function's.
const brokenResult: HttpHandler = async () => ({ statusCode: 99 });

beforeAll(async () => {
  server = await startHttpGateway(
    [
      { functionName: 'ingest', method: '*', path: '/ingest/{clusterId}/{proxy+}', timeoutSeconds: 5, handler: echo },
      { functionName: 'api', method: '*', path: '/v1/{proxy+}', timeoutSeconds: 5, handler: echo },
      { functionName: 'broken', method: 'GET', path: '/broken', timeoutSeconds: 5, handler: brokenResult },
      { functionName: 'page', method: 'GET', path: '/page', timeoutSeconds: 5, handler: echo },
    ],
    { port: 0, region: 'us-east-1' },
  );
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  let accepted = 0;
  let open = 0;
  const changes = new EventEmitter();
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    open += 1;
    changes.emit('change');
    socket.once('close', () => {
      open -= 1;
      changes.emit('change');
    });
  });
  serverDoneWithNext = () => {
    const expected = accepted + 1;
    return async () => {
      while (!(accepted >= expected && open === 0)) await once(changes, 'change');
    };
  };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// In `npm start` an unhandled rejection stops the process; here it would only be reported, so each test checks for one.
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', recordUnhandled);
afterAll(() => {
  process.off('unhandledRejection', recordUnhandled);
});

beforeEach(() => {
  invocations = [];
  unhandled.length = 0;
});

afterEach(() => {
  expect(unhandled, 'no request may leave a rejected promise behind').toEqual([]);
});

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;

/** The gateway is still serving: a well-formed request reaches its function. */
async function stillServes(): Promise<void> {
  const before = invocations.length;
  const exchange = await rawRequest(url, [get('/v1/ping')]);
  expect(exchange.statuses).toEqual([200]);
  expect(invocations.length).toBe(before + 1);
}

describe('the local HTTP gateway', () => {
  it.each([
    ['/ingest/%E0%A4%A/alertmanager'],
    ['/v1/accounts/%ZZ/clusters'],
    ['/v1/accounts/acme%/clusters'],
  ])('answers 400 naming the path for bad percent-encoding in %s, without invoking the function', async (path) => {
    const exchange = await rawRequest(url, [get(path)]);
    expect(exchange.statuses).toEqual([400]);
    expect(lastJsonBody(exchange)).toMatchObject({ error: expect.any(String), issues: [{ field: 'path' }] });
    expect(invocations).toEqual([]);
    await stillServes();
  });

  it('answers 400 for an absolute-form request target whose host is broken', async () => {
    const exchange = await rawRequest(url, ['GET http://[bad/v1/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(exchange.statuses).toEqual([400]);
    expect(lastJsonBody(exchange).issues[0].field).toBe('path');
    await stillServes();
  });

  it('serves an absolute-form request target by its path', async () => {
    const exchange = await rawRequest(url, [get('http://example.com/v1/ping?x=1')]);
    expect(exchange.statuses).toEqual([200]);
    expect(invocations[0]?.rawPath).toBe('/v1/ping');
  });

  it('routes a path with a trailing slash to the route without it, as API Gateway does, keeping the slash in rawPath', async () => {
    const exchange = await rawRequest(url, [get('/page/')]);
    expect(exchange.statuses).toEqual([200]);
    expect(invocations.map((event) => [event.rawPath, event.routeKey])).toEqual([['/page/', 'GET /page']]);
    expect((await rawRequest(url, [get('/page/more')])).statuses).toEqual([404]);
  });

  it('drops a body shorter than its Content-Length when the client closes, without invoking the function', async () => {
    const serverDone = serverDoneWithNext();
    await rawRequest(url, ['POST /ingest/c1/alertmanager HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":'], {
      thenClient: 'close',
    });
    await serverDone();
    expect(invocations).toEqual([]);
    await stillServes();
  });

  it('drops a chunked body whose client resets the connection mid-way', async () => {
    const serverDone = serverDoneWithNext();
    await rawRequest(url, ['POST /ingest/c1/alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n'], { thenClient: 'reset' });
    await serverDone();
    expect(invocations).toEqual([]);
    await stillServes();
  });

  it('answers 400 JSON for a bad chunk size and does not invoke the function', async () => {
    const exchange = await rawRequest(url, ['POST /ingest/c1/alerts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n']);
    expect(exchange.statuses).toEqual([400]);
    expect(lastJsonBody(exchange).issues[0].field).toBe('request');
    expect(invocations).toEqual([]);
    await stillServes();
  });

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', 'GET /v1/ping HTTP/1.1\r\nHost x\r\n\r\n'],
    ['conflicting Content-Length headers', 'POST /v1/ping HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
  ])('answers 400 JSON for %s', async (_what, bytes) => {
    const exchange = await rawRequest(url, [bytes]);
    expect(exchange.statuses).toEqual([400]);
    expect(lastJsonBody(exchange)).toMatchObject({ issues: [{ field: 'request' }] });
    await stillServes();
  });

  it('answers 500 JSON when it cannot write what a function returned, and keeps serving', async () => {
    const exchange = await rawRequest(url, [get('/broken')]);
    expect(exchange.statuses).toEqual([500]);
    expect(lastJsonBody(exchange)).toEqual({ message: 'Internal Server Error' });
    await stillServes();
  });

  it('passes a complete body to the function unchanged', async () => {
    const exchange = await rawRequest(url, [
      'POST /ingest/c1/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      '3\r\n{"a\r\n',
      '4\r\n":1}\r\n0\r\n\r\n',
    ]);
    expect(exchange.statuses).toEqual([200]);
    expect(invocations[0]?.body).toBe('{"a":1}');
    expect(invocations[0]?.pathParameters).toEqual({ clusterId: 'c1', proxy: 'alerts' });
  });
});
