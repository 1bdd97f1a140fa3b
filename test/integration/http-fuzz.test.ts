import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../infra/local/stack.js';
import { adminClient, startTestStack, TEST_ADMIN_KEY } from '../helpers/local-stack.js';
import { rawRequest, type RawExchange, type RawRequestOptions } from '../helpers/raw-http.js';

/**
 * Raw bytes over TCP at the whole stack (gateway, real handlers, DynamoDB Local,
 * SQS stand-in): whatever arrives, the answer is never a 5xx and the server
 * keeps serving. Seeded, so a failure reproduces.
 */

let stack: LocalStack;
let cluster: { id: string; token: string };
let admin: ReturnType<typeof adminClient>;
/** Every exchange that broke the rule, kept for the failure message. */
const serverErrors: Array<{ request: string; statuses: number[]; text: string }> = [];
// In `npm start` an unhandled rejection stops the process; in this worker it would only be reported, so it is collected and checked.
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', recordUnhandled);

beforeAll(async () => {
  stack = await startTestStack();
  admin = adminClient(stack);
  cluster = await admin.createCluster('fuzz', 'fuzz-cluster');
});

afterAll(async () => {
  process.off('unhandledRejection', recordUnhandled);
  await stack?.stop();
});

const SEED = 20_261_125;
const FORMATS = ['alertmanager', 'api/v2/alerts', 'alerts', 'events', 'audit', 'cloudevents'] as const;

async function send(parts: ReadonlyArray<string | Buffer>, options: RawRequestOptions = {}): Promise<RawExchange> {
  const exchange = await rawRequest(stack.httpUrl, parts, options);
  if (exchange.statuses.some((status) => status >= 500)) {
    serverErrors.push({ request: Buffer.concat(parts.map((p) => Buffer.from(p))).toString('latin1').slice(0, 300), statuses: exchange.statuses, text: exchange.text.slice(0, 300) });
  }
  return exchange;
}

function noServerErrors(exchange: RawExchange): boolean {
  return exchange.statuses.every((status) => status < 500);
}

/** A well-formed request of each kind is still served after the fuzzing. */
async function stillServes(): Promise<void> {
  expect(serverErrors).toEqual([]);
  expect(unhandled, 'no request may leave a rejected promise behind').toEqual([]);
  const clusters = await admin.call('GET', '/v1/accounts/fuzz/clusters');
  expect(clusters.status).toBe(200);
  const ingest = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ labels: { alertname: 'AfterFuzz' } }),
  });
  expect(ingest.status).toBe(202);
}

// Path pieces ------------------------------------------------------------------
const badEscapes = fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%ED%A0%80', '%00', '%0A', '%C0%AF', '%FF', '%2F', '%25', '%25ZZ', '%23', '%20', '%3F');
const plain = fc.stringMatching(/^[A-Za-z0-9._~-]{0,10}$/);
const pathParam = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(plain, badEscapes), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('') || 'x') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 6000 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('acme', 'fuzz', 'team-a', 'en', 'zh-cn', 'NOT%20A%20CODE%23x', '..', '.', '__proto__', 'constructor') },
);
const queryValue = fc.oneof(pathParam, fc.constantFrom('2026-11-25T10:00:00Z', 'not-a-date', '{', 'a=b', ''));

const ADMIN_PATHS: Array<[string, string]> = [
  ['PUT', '/receivers/{p}'], ['GET', '/receivers/{p}'], ['DELETE', '/receivers/{p}'],
  ['PUT', '/configs/{p}'], ['DELETE', '/configs/{p}'],
  ['PUT', '/template-sets/{p}'], ['DELETE', '/template-sets/{p}'],
  ['PUT', '/language-packs/{p}'], ['GET', '/language-packs'],
  ['POST', '/silences'], ['GET', '/silences/{p}'], ['PUT', '/silences/{p}'], ['DELETE', '/silences/{p}'],
  ['PUT', '/inhibit-rules/{p}'], ['DELETE', '/inhibit-rules/{p}'],
  ['PUT', '/rules/{p}'], ['GET', '/rules/{p}'], ['POST', '/rules-dry-run'], ['PUT', '/rule-definitions'],
  ['POST', '/explain'], ['PUT', '/settings'],
  ['PUT', '/tenants/{p}'], ['GET', '/tenants/{p}'], ['GET', '/tenants/{p}/receivers'], ['PUT', '/tenants/{p}/receivers/{p}'],
  ['PUT', '/workspaces/{p}'], ['GET', '/workspaces/{p}'],
  ['PUT', '/routers/{p}'], ['GET', '/routers/{p}'],
  ['POST', '/clusters'], ['POST', '/clusters/{p}/tokens'], ['DELETE', '/clusters/{p}/tokens/{p}'],
  ['GET', '/history?receiver={q}&from={q}&cursor={q}&limit={q}'], ['GET', '/alerts/{p}/history'],
  ['GET', '/alertmanager/api/v2/silences?filter={q}'], ['POST', '/alertmanager/api/v2/silences'], ['GET', '/alertmanager/api/v2/silence/{p}'],
  ['DELETE', '/alertmanager/api/v2/silence/{p}'], ['GET', '/alertmanager/api/v2/alerts?filter={q}&silenced={q}'],
];

// Bodies -----------------------------------------------------------------------
const text = fc.string({ unit: 'binary', maxLength: 24 });
const json = fc.jsonValue({ maxDepth: 3 });
const timestamp = fc.oneof(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), text, json);
const labels = fc.oneof({ weight: 4, arbitrary: fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/), text), fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: json }), { maxKeys: 5 }) }, { weight: 1, arbitrary: json });
const alert = fc.record(
  { labels, annotations: labels, status: fc.oneof(fc.constantFrom('firing', 'resolved'), json), startsAt: timestamp, endsAt: timestamp, generatorURL: fc.oneof(text, json), fingerprint: fc.oneof(text, json) },
  { requiredKeys: [] },
);
const involvedObject = fc.record({ kind: text, name: text, namespace: text, uid: text }, { requiredKeys: [] });
const kubeEvent = fc.record(
  { kind: fc.constantFrom('Event', 'EventList', 'x'), apiVersion: fc.constantFrom('v1', 'events.k8s.io/v1', 'x'), metadata: fc.record({ name: text, namespace: text, uid: text }, { requiredKeys: [] }), involvedObject, regarding: involvedObject, reason: text, message: text, type: fc.constantFrom('Warning', 'Normal', 'x'), count: json, firstTimestamp: timestamp, lastTimestamp: timestamp, eventTime: timestamp, note: text },
  { requiredKeys: [] },
);
const auditEvent = fc.record(
  { kind: fc.constantFrom('Event', 'x'), apiVersion: fc.constantFrom('audit.k8s.io/v1', 'x'), auditID: text, stage: fc.constantFrom('ResponseComplete', 'RequestReceived', 'x'), verb: text, user: fc.oneof(fc.record({ username: text, groups: fc.array(text, { maxLength: 3 }) }, { requiredKeys: [] }), json), objectRef: fc.oneof(fc.record({ resource: text, namespace: text, name: text, subresource: text }, { requiredKeys: [] }), json), responseStatus: json, requestReceivedTimestamp: timestamp, stageTimestamp: timestamp, requestURI: text },
  { requiredKeys: [] },
);
const cloudEvent = fc.record(
  { specversion: fc.constantFrom('1.0', '0.3', 'x'), id: text, source: text, type: fc.oneof(fc.constantFrom('io.k8s.event', 'io.k8s.audit', 'dev.tidings.alert', 'com.example'), text), time: timestamp, datacontenttype: fc.constantFrom('application/json', 'text/plain', 'x'), data: fc.oneof(alert, kubeEvent, auditEvent, json), data_base64: text, subject: text },
  { requiredKeys: [] },
);

const BODIES: Record<(typeof FORMATS)[number], fc.Arbitrary<unknown>> = {
  alertmanager: fc.record({ version: fc.oneof(fc.constant('4'), json), status: fc.oneof(fc.constant('firing'), json), receiver: text, groupLabels: labels, commonLabels: labels, alerts: fc.oneof(fc.array(alert, { maxLength: 4 }), json) }, { requiredKeys: [] }),
  'api/v2/alerts': fc.oneof(fc.array(alert, { maxLength: 4 }), json),
  alerts: fc.oneof(alert, fc.array(alert, { maxLength: 4 }), fc.record({ alerts: fc.array(alert, { maxLength: 4 }) })),
  events: fc.oneof(kubeEvent, fc.record({ kind: fc.constant('EventList'), apiVersion: fc.constant('v1'), items: fc.oneof(fc.array(kubeEvent, { maxLength: 4 }), json) })),
  audit: fc.oneof(auditEvent, fc.record({ kind: fc.constant('EventList'), apiVersion: fc.constant('audit.k8s.io/v1'), items: fc.oneof(fc.array(auditEvent, { maxLength: 4 }), json) })),
  cloudevents: fc.oneof(cloudEvent, fc.array(cloudEvent, { maxLength: 4 })),
};
const anyBody = fc.oneof(json, alert, kubeEvent, auditEvent, cloudEvent);
/** What goes on the wire: JSON, or bytes that only look like it. */
const wireBody = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: value.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
    { weight: 1, arbitrary: value.map((v) => Buffer.from((JSON.stringify(v) ?? 'null').slice(0, -1))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  );
const contentType = fc.constantFrom(
  'application/json', 'application/json; charset=utf-8', 'application/cloudevents+json', 'application/cloudevents-batch+json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '',
);
const contentEncoding = fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x') });
const extraHeaders = fc.array(
  fc.constantFrom(
    'X-Tidings-Signature: v1=zz', 'X-Tidings-Timestamp: nope', 'Ce-Specversion: 1.0', 'Ce-Id: 1', 'Ce-Source: /x', 'Ce-Type: io.k8s.event', 'Ce-Time: yesterday',
    'If-Match: "x"', 'If-Match: *', 'Expect: 100-continue', 'Accept-Encoding: gzip', `Authorization: Bearer tdgt.${'a'.repeat(3000)}.t.0123.secret`,
  ),
  { maxLength: 2 },
);

/** A framed request: Content-Length or chunked, always `Connection: close` so the exchange ends when the answer does. */
function request(method: string, target: string, headers: string[], body: Buffer | undefined, chunked = false): Array<string | Buffer> {
  const head = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers];
  if (body === undefined) return [`${head.join('\r\n')}\r\n\r\n`];
  if (chunked) return [`${head.join('\r\n')}\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`, body, '\r\n0\r\n\r\n'];
  return [`${head.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n`, body];
}

const run = (property: fc.IAsyncProperty<any>, numRuns: number) => fc.assert(property, { seed: SEED, numRuns, endOnFailure: true });

describe('the HTTP entry point under fuzzing, at the socket level', () => {
  it('never answers a malformed request line, target or header section with a 5xx', { timeout: 90_000 }, async () => {
    const target = fc.oneof(
      fc.tuple(pathParam, fc.constantFrom(...FORMATS)).map(([id, format]) => `/ingest/${id}/${format}`),
      fc.tuple(pathParam, fc.constantFrom(...FORMATS)).map(([token, format]) => `/ingest/${cluster.id}/t/${token}/${format}`),
      fc.tuple(pathParam, fc.constantFrom('clusters', 'receivers', 'settings', 'history')).map(([account, rest]) => `/v1/accounts/${account}/${rest}`),
      fc.tuple(fc.constantFrom('[bad', 'a b', '%zz', 'x:99999', '', '[::1]', 'h:port', 'user@', '127.0.0.1'), fc.constantFrom('/v1/openapi.json', '/ingest/x/alerts', '')).map(([host, path]) => `http://${host}${path}`),
      fc.constantFrom('*', '', '/', '//x', '/v1/accounts/acme/clusters/../..', '/ingest', '/ingest//alerts', '/v1/accounts//clusters'),
      fc.string({ unit: 'binary-ascii', maxLength: 30 }),
    );
    const method = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') }, { weight: 1, arbitrary: fc.constantFrom('G ET', 'get', 'BREW', '', 'CONNECT', 'PRI') });
    const version = fc.oneof({ weight: 5, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.', 'http/1.1', '', 'HTTP/1.1 extra') });
    const brokenHeader = fc.constantFrom('Bad Header', ': novalue', 'X-A: a\u0000b', 'X-Folded: a\r\n folded', 'X\u007f: y', 'Content-Type: application/json\rX: y', `X-Long: ${'v'.repeat(20_000)}`, 'Authorization: Basic %%%', 'Authorization: Bearer', 'Authorization: Basic dGRnOg==');
    const auth = fc.constantFrom(`Authorization: Bearer ${TEST_ADMIN_KEY}`, `Authorization: Bearer ${cluster.token}`, `Authorization: Bearer tdgt.acme.${'t'.repeat(4000)}.00.x`, 'Authorization: Bearer nope');
    await run(
      fc.asyncProperty(method, target, version, fc.array(fc.oneof(auth, brokenHeader), { maxLength: 2 }), async (m, t, v, headers) => {
        const head = [`${m} ${t} ${v}`, 'Host: 127.0.0.1', 'Connection: close', ...headers].join('\r\n');
        return noServerErrors(await send([`${head}\r\n\r\n`]));
      }),
      150,
    );
    await stillServes();
  });

  it('never answers a body that is cut short, aborted or badly chunked with a 5xx, and does not hang', { timeout: 60_000 }, async () => {
    const path = fc.oneof(
      fc.constantFrom(...FORMATS).map((format) => `/ingest/${cluster.id}/${format}`),
      fc.constantFrom('/receivers/r1', '/silences', '/language-packs/en', '/explain').map((rest) => `/v1/accounts/fuzz${rest}`),
    );
    const cut = fc.constantFrom('short-then-close', 'short-then-reset', 'chunk-then-reset', 'bad-chunk-size', 'chunk-overrun', 'negative-length', 'garbage-length', 'duplicate-lengths', 'chunked-and-length');
    await run(
      fc.asyncProperty(path, cut, fc.uint8Array({ minLength: 1, maxLength: 40 }), async (target, how, bytes) => {
        const body = Buffer.from(bytes);
        const head = `${target.startsWith('/v1') ? 'PUT' : 'POST'} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer ${target.startsWith('/v1') ? TEST_ADMIN_KEY : cluster.token}\r\n`;
        const exchanges: Record<string, () => Promise<RawExchange>> = {
          'short-then-close': () => send([`${head}Content-Length: ${body.length + 50}\r\n\r\n`, body], { thenClient: 'close' }),
          'short-then-reset': () => send([`${head}Content-Length: ${body.length + 50}\r\n\r\n`, body], { thenClient: 'reset' }),
          'chunk-then-reset': () => send([`${head}Transfer-Encoding: chunked\r\n\r\n${(body.length + 9).toString(16)}\r\n`, body], { thenClient: 'reset' }),
          'bad-chunk-size': () => send([`${head}Transfer-Encoding: chunked\r\n\r\nzz${body.length}\r\n`, body, '\r\n0\r\n\r\n']),
          'chunk-overrun': () => send([`${head}Transfer-Encoding: chunked\r\n\r\n1\r\n`, body, '\r\n0\r\n\r\n']),
          'negative-length': () => send([`${head}Content-Length: -${body.length}\r\n\r\n`, body]),
          'garbage-length': () => send([`${head}Content-Length: ${body.length}x\r\n\r\n`, body]),
          'duplicate-lengths': () => send([`${head}Content-Length: ${body.length}\r\nContent-Length: ${body.length + 1}\r\n\r\n`, body]),
          'chunked-and-length': () => send([`${head}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`, body, '\r\n0\r\n\r\n']),
        };
        return noServerErrors(await exchanges[how]!());
      }),
      90,
    );
    await stillServes();
  });

  it('never answers random JSON at any ingest format with a 5xx', { timeout: 90_000 }, async () => {
    const format = fc.constantFrom(...FORMATS);
    const payload = format.chain((f) => fc.tuple(fc.constant(f), wireBody(fc.oneof({ weight: 4, arbitrary: BODIES[f] }, { weight: 1, arbitrary: anyBody }))));
    const credential = fc.constantFrom('bearer', 'basic', 'path', 'none', 'wrong');
    const clusterId = fc.oneof({ weight: 6, arbitrary: fc.constant(cluster.id) }, { weight: 1, arbitrary: pathParam });
    await run(
      fc.asyncProperty(payload, credential, clusterId, contentType, contentEncoding, extraHeaders, fc.boolean(), async ([f, body], how, id, type, encoding, extra, chunked) => {
        const target = how === 'path' ? `/ingest/${id}/t/${encodeURIComponent(cluster.token)}/${f}` : `/ingest/${id}/${f}`;
        const headers = [
          ...(how === 'bearer' ? [`Authorization: Bearer ${cluster.token}`] : []),
          ...(how === 'basic' ? [`Authorization: Basic ${Buffer.from(`prometheus:${cluster.token}`).toString('base64')}`] : []),
          ...(how === 'wrong' ? ['Authorization: Bearer tdg_wrong'] : []),
          ...(type === '' ? [] : [`Content-Type: ${type}`]),
          ...(encoding === undefined ? [] : [`Content-Encoding: ${encoding}`]),
          ...extra,
        ];
        return noServerErrors(await send(request('POST', target, headers, body, chunked)));
      }),
      180,
    );
    await stillServes();
  });

  it('never answers random path parameters, queries and JSON bodies at the admin API with a 5xx', { timeout: 90_000 }, async () => {
    const account = fc.oneof({ weight: 5, arbitrary: fc.constant('fuzz') }, { weight: 1, arbitrary: pathParam });
    const fill = (template: string, params: string[], queries: string[]) => {
      let p = 0;
      let q = 0;
      return template.replace(/\{p\}/g, () => params[p++ % params.length]!).replace(/\{q\}/g, () => encodeURIComponentLoosely(queries[q++ % queries.length]!));
    };
    await run(
      fc.asyncProperty(
        fc.constantFrom(...ADMIN_PATHS),
        account,
        fc.array(pathParam, { minLength: 2, maxLength: 2 }),
        fc.array(queryValue, { minLength: 4, maxLength: 4 }),
        wireBody(fc.oneof(json, alert, fc.record({ name: text, channel: fc.constantFrom('webhook', 'slack', 'x'), settings: json, code: text, dictionary: labels, matchers: fc.array(fc.oneof(text, json), { maxLength: 3 }), labels }, { requiredKeys: [] }))),
        extraHeaders,
        async ([method, template], acct, params, queries, body, extra) => {
          const target = `/v1/accounts/${acct}${fill(template, params, queries)}`;
          const headers = [`Authorization: Bearer ${TEST_ADMIN_KEY}`, 'Content-Type: application/json', ...extra];
          return noServerErrors(await send(request(method, target, headers, method === 'GET' || method === 'DELETE' ? undefined : body)));
        },
      ),
      180,
    );
    await stillServes();
  });
});

/** Query values go on the wire mostly encoded, sometimes with their bad escapes left in. */
function encodeURIComponentLoosely(value: string): string {
  return /%/.test(value) ? value : encodeURIComponent(value);
}
