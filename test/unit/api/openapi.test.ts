import { Validator } from '@seriousme/openapi-schema-validator';
import { documentValidator } from '../../helpers/openapi-validator.js';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { contractKey, routeContracts } from '../../../lib/api/api-contract.js';
import { apiRoutes } from '../../../lib/api/api-routes.js';
import { alertmanagerOperations } from '../../../lib/api/alertmanager-v2.js';
import { channelRegistry } from '../../../lib/notify/channel-registry.js';
import { receiverViewSchema } from '../../../lib/api/receivers-api.js';
import { documentedOperations, jsonSchemaOf, openApiDocument, openApiPath } from '../../../lib/api/openapi.js';

type Operation = {
  parameters: Array<{ name: string; in: string; schema: object }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

const document = openApiDocument(apiRoutes, { channels: channelRegistry });
const operationAt = (path: string, method: string) => document.paths[path]?.[method.toLowerCase()] as Operation | undefined;
const components = document.components.schemas as Record<string, unknown>;

/** A schema of the document with each reference to a component replaced by the component, at every depth. */
function resolved(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(resolved);
  if (schema === null || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && Object.keys(schema).length === 1) return resolved(components[ref.replace('#/components/schemas/', '')]);
  return Object.fromEntries(Object.entries(schema).map(([field, value]) => [field, resolved(value)]));
}

/** The component a schema refers to, or the schema itself. */
const referredTo = (schema: unknown) => {
  const ref = (schema as { $ref?: unknown }).$ref;
  return typeof ref === 'string' ? components[ref.replace('#/components/schemas/', '')] : schema;
};

/** Every object in `node`, at every depth. */
function* objectsIn(node: unknown): Generator<object> {
  if (Array.isArray(node)) for (const item of node) yield* objectsIn(item);
  else if (node !== null && typeof node === 'object') {
    yield node;
    for (const value of Object.values(node)) yield* objectsIn(value);
  }
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('is refused by the same validator when it is broken, so the check above can fail', async () => {
    const broken = { ...structuredClone(document), paths: { '/x': { get: { responses: { '200': { content: {} } } } } } };
    expect((await new Validator().validate(broken as unknown as Parameters<Validator['validate']>[0])).valid).toBe(false);
  });

  it('holds only JSON Schemas (2020-12, as OpenAPI 3.1 reads them) that compile in strict mode', () => {
    const ajv = documentValidator(document);
    const schemas = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods as Record<string, Operation>).flatMap((operation) => [
        ...operation.parameters.map((parameter) => parameter.schema),
        ...(operation.requestBody === undefined ? [] : [operation.requestBody.content['application/json']!.schema]),
        ...Object.values(operation.responses).flatMap((response) => (response.content === undefined ? [] : [response.content['application/json']!.schema])),
      ]),
    );
    expect(schemas.length).toBeGreaterThan(200);
    for (const schema of schemas) expect(() => ajv.compile(schema as object), JSON.stringify(schema).slice(0, 300)).not.toThrow();
  });

  it('has a contract for every route in lib/api/api-routes.ts', () => {
    const missing = apiRoutes
      .filter((route) => !routeContracts.has(contractKey(route)))
      .map(
        (route) =>
          `${contractKey(route)} has no contract: add [\`${route.method} ${route.pattern.replace('/v1/accounts/:account/tenants/:tenant', '${T}').replace('/v1/accounts/:account', '${A}')}\`, ` +
          `{ request: <the zod schema its handler parses the body with, if any>, responses: { <status>: <the zod schema its answer is typed by, or null for no body> } }] ` +
          'to routeContracts in lib/api/api-contract.ts (schemas next to their views in lib/api/*)',
      );
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('has no contract for a route that is not served', () => {
    const served = new Set(apiRoutes.map(contractKey));
    const stale = [...routeContracts.keys()].filter((key) => !served.has(key));
    expect(stale, `remove these from routeContracts in lib/api/api-contract.ts: ${stale.join(', ')}`).toEqual([]);
  });

  it('describes every route with its method, path parameters, request body and answers, and nothing else', () => {
    const expected = documentedOperations(apiRoutes);
    for (const { method, path, contract } of expected) {
      const operation = operationAt(path, method);
      expect(operation, `${method} ${path}`).toBeDefined();
      const pathParameters = operation!.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(pathParameters, `${method} ${path}`).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      if (contract?.request === undefined) expect(operation!.requestBody, `${method} ${path}`).toBeUndefined();
      else expect(resolved(operation!.requestBody?.content['application/json']?.schema), `${method} ${path}`).toMatchObject(jsonSchemaOf(contract.request, 'input'));
      for (const [status, schema] of Object.entries(contract?.responses ?? {})) {
        const answered = operation!.responses[status];
        expect(answered, `${method} ${path} ${status}`).toBeDefined();
        expect(resolved(answered!.content?.['application/json']?.schema), `${method} ${path} ${status}`).toEqual(schema === null ? undefined : jsonSchemaOf(schema, 'output'));
      }
      const successes = Object.keys(operation!.responses).filter((status) => status.startsWith('2'));
      expect(successes.length, `${method} ${path} documents a success`).toBeGreaterThan(0);
    }
    const documented = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(expected.map((o) => `${o.method} ${o.path}`).sort());
  });

  it('lists each Alertmanager API v2 operation under both the account and the tenant base', () => {
    for (const base of ['/v1/accounts/{account}', '/v1/accounts/{account}/tenants/{tenant}']) {
      for (const operation of alertmanagerOperations) {
        expect(operationAt(`${base}/alertmanager${openApiPath(operation.path)}`, operation.method), `${operation.method} ${operation.path}`).toBeDefined();
      }
    }
  });

  it('describes bodies as sent: defaults optional in a request, present in an answer', () => {
    const put = operationAt('/v1/accounts/{account}/receivers/{name}', 'PUT')!;
    const request = resolved(put.requestBody!.content['application/json']!.schema) as { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean };
    expect(request.required).toEqual(['channel', 'settings']);
    expect(request.additionalProperties).toBe(false);
    const answer = resolved(put.responses['201']!.content!['application/json']!.schema) as { required: string[] };
    expect(answer.required).toEqual(expect.arrayContaining(['name', 'channel', 'enabled', 'grouping', 'ownGrouping', 'version']));
  });

  it("documents each channel's settings, and which apply to a receiver or config of that channel", () => {
    for (const path of ['/v1/accounts/{account}/receivers/{name}', '/v1/accounts/{account}/tenants/{tenant}/configs/{name}']) {
      const body = referredTo(operationAt(path, 'PUT')!.requestBody!.content['application/json']!.schema) as { properties: { channel: { enum: string[] } }; allOf: unknown[] };
      expect(body.properties.channel.enum).toEqual([...channelRegistry.keys()]);
      expect(body.allOf).toContainEqual({
        if: { properties: { channel: { const: 'slack' } }, required: ['channel'] },
        then: { properties: { settings: { $ref: '#/components/schemas/SlackSettings' } } },
      });
    }
    const schemas = document.components.schemas as Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    expect(Object.keys(schemas.SlackSettings!.properties)).toEqual(expect.arrayContaining(['webhookUrl', 'token', 'channel', 'apiBaseUrl']));
    expect(Object.keys(schemas.EmailSmtpSettings!.properties)).toEqual(expect.arrayContaining(['host', 'port', 'from', 'to']));
    // A receiver's own settings may leave to its config what the channel requires.
    expect(schemas.EmailSmtpSettings!.required).toBeUndefined();
  });

  it('emits each shared schema once, under components/schemas, and refers to it everywhere else', () => {
    // A receiver as answered: listed, created, replaced and read, globally and per tenant.
    const receiverViewRefs = [...objectsIn(document.paths)].filter((node) => (node as { $ref?: string }).$ref === '#/components/schemas/ReceiverView');
    expect(receiverViewRefs.length).toBeGreaterThanOrEqual(8);
    expect(resolved(components.ReceiverView)).toEqual(jsonSchemaOf(receiverViewSchema, 'output'));
    // No component's schema is left inlined anywhere: not in an operation, not in another component.
    const bodies = new Map(Object.entries(components).map(([name, schema]) => [JSON.stringify(schema), name]));
    for (const [name, component] of Object.entries(components)) {
      const inlined = [...objectsIn(component)].slice(1).map((node) => bodies.get(JSON.stringify(node))).filter((found) => found !== undefined);
      expect(inlined, name).toEqual([]);
    }
    const inlinedInPaths = [...objectsIn(document.paths)].map((node) => bodies.get(JSON.stringify(node))).filter((found) => found !== undefined);
    expect(inlinedInPaths).toEqual([]);
    // Every reference resolves.
    const refs = [...objectsIn(document)].map((node) => (node as { $ref?: unknown }).$ref).filter((ref): ref is string => typeof ref === 'string');
    for (const ref of new Set(refs)) expect(ref.split('/').slice(1).reduce<any>((at, part) => at?.[part], document), ref).toBeDefined();
    // Each answer every operation may give is one shared response.
    expect(operationAt('/v1/accounts/{account}/receivers/{name}', 'PUT')!.responses['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
  });

  it('flags a route added without a contract, naming the route', () => {
    const extra = { method: 'PUT', pattern: '/v1/accounts/:account/rule-groups/:name', access: 'operator' as const, summary: 'x', handler: undefined };
    const operations = documentedOperations([...apiRoutes, extra]);
    expect(operations.find((o) => o.path === '/v1/accounts/{account}/rule-groups/{name}')?.contract).toBeUndefined();
    const generated = openApiDocument([extra], { contracts: new Map([[contractKey(extra), { request: z.strictObject({ a: z.string() }), responses: { 200: z.strictObject({ b: z.number() }) } }]]) });
    expect(generated.paths['/v1/accounts/{account}/rule-groups/{name}']?.put).toMatchObject({ requestBody: { content: { 'application/json': { schema: { required: ['a'] } } } } });
  });

  it('documents label sets as maps of strings (their schema checks them in one pass, described by hand)', () => {
    const explain = operationAt('/v1/accounts/{account}/explain', 'POST');
    const body = resolved(explain?.requestBody?.content['application/json']?.schema);
    expect(body.properties.labels).toEqual({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } });
  });
});
