import * as z from 'zod';
import { contractKey, routeContracts, type RouteContract } from './api-contract.js';
import type { OperationContract } from './api-types.js';

/** The route table as the OpenAPI document needs it. */
interface DocumentedRoute {
  method: string;
  pattern: string;
  access: 'operator' | 'tenant';
  summary: string;
}

/** One operation of the document: a route, or one operation of an API a route serves under `:rest+`. */
export interface DocumentedOperation {
  method: string;
  /** OpenAPI form: `{name}` for each path parameter. */
  path: string;
  route: DocumentedRoute;
  summary: string;
  contract: OperationContract | undefined;
}

/** `:name` and `:name+` become OpenAPI's `{name}`. */
export const openApiPath = (pattern: string) => pattern.replace(/:(\w+)\+?/g, '{$1}');

/**
 * Every operation the routes serve, with its contract: a route with a
 * greedy parameter (the Alertmanager API) stands for each operation of its
 * API. A route without a contract is listed with `contract` undefined.
 */
export function documentedOperations(routes: readonly DocumentedRoute[], contracts: ReadonlyMap<string, RouteContract> = routeContracts): DocumentedOperation[] {
  return routes.flatMap((route): DocumentedOperation[] => {
    const contract = contracts.get(contractKey(route));
    if (contract !== undefined && 'operations' in contract) {
      const base = route.pattern.replace(/\/:\w+\+$/, '');
      return contract.operations.map((operation) => ({ method: operation.method, path: openApiPath(base + operation.path), route, summary: operation.summary, contract: operation }));
    }
    return [{ method: route.method, path: openApiPath(route.pattern), route, summary: route.summary, contract }];
  });
}

/** A zod schema as the JSON Schema (2020-12, which OpenAPI 3.1 uses) of what is sent (`input`) or answered (`output`). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });

function queryParameters(query: z.ZodObject | undefined) {
  return Object.entries(query?.shape ?? {}).map(([name, field]) => {
    const schema = jsonSchemaOf(field as z.ZodType, 'input');
    return {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema,
      // `filter=a&filter=b`: a repeated parameter, as amtool and Grafana send matchers.
      ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
    };
  });
}

function responses(contract: OperationContract | undefined) {
  const documented = Object.fromEntries(
    Object.entries(contract?.responses ?? {}).map(([status, schema]) => [
      status,
      schema === null ? { description: 'No body' } : { description: Number(status) < 300 ? 'Success' : 'Refused, with the reason', content: json(jsonSchemaOf(schema, 'output')) },
    ]),
  );
  return {
    '400': { description: 'Invalid input: each issue names its field', content: json({ $ref: '#/components/schemas/Error' }) },
    '401': { description: 'Missing or invalid key' },
    '403': { description: 'The key may not use this endpoint' },
    '404': { description: 'Not found' },
    '409': { description: 'Stale If-Match version' },
    ...documented,
  };
}

/**
 * An OpenAPI 3.1 description of the admin API, generated from the route table
 * and each route's contract (lib/api/api-contract.ts): the request and answer
 * schemas are the zod schemas the handlers validate with and the views are
 * typed by, so the document cannot drift from what is served.
 */
export function openApiDocument(routes: readonly DocumentedRoute[], options: DocumentOptions = {}) {
  const standard = options.contracts === undefined;
  const cached = standard ? generated.get(routes) : undefined;
  if (cached !== undefined) return cached;
  const document = generate(routes, options.contracts ?? routeContracts, options.channels ?? new Map());
  if (standard) generated.set(routes, document);
  return document;
}

export interface DocumentOptions {
  contracts?: ReadonlyMap<string, RouteContract>;
  /** The channel registry: each channel's settings schema is documented, and bodies naming a channel refer to it. */
  channels?: ReadonlyMap<string, { settingsSchema: z.ZodType }>;
}

/** The document is the same for the life of the process: generated once. */
const generated = new WeakMap<readonly DocumentedRoute[], ReturnType<typeof generate>>();

/** `SlackSettings` for `slack`, `EmailSmtpSettings` for `email-smtp`. */
export const settingsSchemaName = (channel: string) => `${channel.replace(/(^|-)(\w)/g, (_m, _d: string, c: string) => c.toUpperCase())}Settings`;

/**
 * A channel's settings as a receiver or config may hold them: every field
 * optional at the top, since a receiver's own settings are completed by its
 * config's (the merged settings are checked against the channel's schema).
 */
function channelSettingsSchema(schema: z.ZodType): Record<string, unknown> {
  const { required: _required, ...rest } = jsonSchemaOf(schema, 'input');
  return rest;
}

/** A body with `channel` and `settings` (receivers, configs): the channel one of the registry's, the settings that channel's. */
function withChannelSettings(schema: Record<string, unknown>, channels: readonly string[]): Record<string, unknown> {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (channels.length === 0 || properties?.channel === undefined || properties.settings === undefined) return schema;
  return {
    ...schema,
    properties: { ...properties, channel: { ...properties.channel, enum: [...channels] } },
    allOf: channels.map((channel) => ({
      if: { properties: { channel: { const: channel } }, required: ['channel'] },
      then: { properties: { settings: { $ref: `#/components/schemas/${settingsSchemaName(channel)}` } } },
    })),
  };
}

function generate(routes: readonly DocumentedRoute[], contracts: ReadonlyMap<string, RouteContract>, channels: ReadonlyMap<string, { settingsSchema: z.ZodType }>) {
  const channelNames = [...channels.keys()];
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of documentedOperations(routes, contracts)) {
    const { route, contract } = operation;
    const parameters = [
      ...[...operation.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...queryParameters(contract?.query),
    ];
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method.toLowerCase()] = {
      summary: operation.summary,
      tags: [route.pattern.split('/')[route.pattern.includes('/tenants/:tenant/') ? 6 : 4] ?? 'meta'],
      description: route.access === 'tenant' ? 'Operator key, or the API key of the tenant in the path.' : 'Operator key only.',
      parameters,
      security: [{ bearer: [] }],
      ...(contract?.request === undefined ? {} : { requestBody: { required: true, content: json(withChannelSettings(jsonSchemaOf(contract.request, 'input'), channelNames)) } }),
      responses: responses(contract),
    };
  }
  return {
    openapi: '3.1.0' as const,
    info: { title: 'tidings admin API', version: '0.1.0' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: { type: 'string' },
            issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
        ...Object.fromEntries([...channels].map(([name, channel]) => [settingsSchemaName(name), channelSettingsSchema(channel.settingsSchema)])),
      },
    },
    paths,
  };
}
