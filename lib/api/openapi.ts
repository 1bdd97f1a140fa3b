import * as z from 'zod';
import { contractKey, routeContracts, type RouteContract } from './api-contract.js';
import type { OperationContract } from './api-types.js';
import { schemaComponents } from './openapi-components.js';

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

/** The answers every operation may give, as `components/responses`: each operation refers to them. */
const STANDARD_RESPONSES = {
  BadRequest: { description: 'Invalid input: each issue names its field', content: json({ $ref: '#/components/schemas/Error' }) },
  Unauthorized: { description: 'Missing or invalid key' },
  Forbidden: { description: 'The key may not use this endpoint' },
  NotFound: { description: 'Not found' },
  Conflict: { description: 'Stale If-Match version' },
};

const standardResponse = (name: keyof typeof STANDARD_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

function responses(contract: OperationContract | undefined) {
  const documented = Object.fromEntries(
    Object.entries(contract?.responses ?? {}).map(([status, schema]) => [
      status,
      schema === null ? { description: 'No body' } : { description: Number(status) < 300 ? 'Success' : 'Refused, with the reason', content: json(jsonSchemaOf(schema, 'output')) },
    ]),
  );
  return {
    '400': standardResponse('BadRequest'),
    '401': standardResponse('Unauthorized'),
    '403': standardResponse('Forbidden'),
    '404': standardResponse('NotFound'),
    '409': standardResponse('Conflict'),
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

/** Smaller schemas (a string with a pattern, a bare `{}`) read better inline than as a reference. */
const MIN_COMPONENT_CHARS = 64;

/**
 * Shared schemas emitted once under `components/schemas` and referred to by
 * `$ref`: a subschema of the document that is, as JSON, exactly a named
 * schema's JSON Schema (as sent or as answered) becomes a reference to it, in
 * operations and in other components alike. Equal JSON means the reference
 * validates exactly what the inlined schema did.
 */
class SharedSchemas {
  /** JSON text of a candidate's schema -> its key (`Name input` / `Name output`). */
  readonly #keyOf = new Map<string, string>();
  readonly #schemaOf = new Map<string, Record<string, unknown>>();
  readonly #used = new Set<string>();
  readonly #nameOf = new Map<z.ZodType, string>();

  constructor(named: ReadonlyMap<string, z.ZodType>) {
    for (const [name, schema] of named) {
      this.#nameOf.set(schema, name);
      for (const io of ['output', 'input'] as const) {
        const json = jsonSchemaOf(schema, io);
        const text = JSON.stringify(json);
        if (text.length < MIN_COMPONENT_CHARS || this.#keyOf.has(text)) continue;
        this.#keyOf.set(text, `${name} ${io}`);
        this.#schemaOf.set(`${name} ${io}`, json);
      }
    }
  }

  /**
   * A named schema as sent is, in this document, `json` (a body naming a
   * channel, completed with the channel's settings): that is its component.
   */
  adopt(schema: z.ZodType, json: Record<string, unknown>): void {
    const name = this.#nameOf.get(schema);
    if (name === undefined) return;
    const key = `${name} input`;
    for (const [text, candidate] of this.#keyOf) if (candidate === key) this.#keyOf.delete(text);
    this.#keyOf.set(JSON.stringify(json), key);
    this.#schemaOf.set(key, json);
  }

  /** `node` with every subschema equal to a candidate replaced by a reference (the node itself too, unless it is candidate `self`). */
  refer(node: unknown, self?: string): unknown {
    return this.#refer(node, self).node;
  }

  /** One pass, bottom up: each node's JSON text is built from its children's, as JSON.stringify writes it. */
  #refer(node: unknown, self?: string): { node: unknown; text: string } {
    if (node === null || typeof node !== 'object') return { node, text: JSON.stringify(node) };
    let result: { node: unknown; text: string };
    if (Array.isArray(node)) {
      const items = node.map((item) => this.#refer(item));
      result = { node: items.map((item) => item.node), text: `[${items.map((item) => item.text).join(',')}]` };
    } else {
      const fields = Object.entries(node)
        .filter(([, value]) => value !== undefined)
        .map(([field, value]) => [field, this.#refer(value)] as const);
      result = {
        node: Object.fromEntries(fields.map(([field, value]) => [field, value.node])),
        text: `{${fields.map(([field, value]) => `${JSON.stringify(field)}:${value.text}`).join(',')}}`,
      };
    }
    const key = this.#keyOf.get(result.text);
    if (key === undefined || key === self) return result;
    this.#used.add(key);
    return { node: { $ref: REF_PLACEHOLDER + key }, text: result.text };
  }

  /**
   * The components the document refers to, and the document with its
   * references named: `Name`, or `NameInput` for the form as sent when both
   * forms of a schema are referred to.
   */
  emit<T>(document: T): { document: T; schemas: Record<string, unknown> } {
    const bodies = new Map<string, unknown>();
    for (let pending = [...this.#used]; pending.length > 0; pending = [...this.#used].filter((key) => !bodies.has(key))) {
      for (const key of pending) bodies.set(key, this.refer(this.#schemaOf.get(key), key));
    }
    const keys = [...bodies.keys()].sort();
    const names = new Map(
      keys.map((key) => {
        const [name, io] = key.split(' ') as [string, 'input' | 'output'];
        const bothForms = bodies.has(`${name} input`) && bodies.has(`${name} output`);
        return [key, bothForms && io === 'input' ? `${name}Input` : name];
      }),
    );
    const named = (value: unknown) =>
      JSON.parse(JSON.stringify(value), (_field, item: unknown) =>
        typeof item === 'string' && item.startsWith(REF_PLACEHOLDER) ? `#/components/schemas/${names.get(item.slice(REF_PLACEHOLDER.length))}` : item,
      ) as unknown;
    return {
      document: named(document) as T,
      schemas: Object.fromEntries(keys.map((key) => [names.get(key)!, named(bodies.get(key))])),
    };
  }
}

/** Marks a reference until its component's final name is known. */
const REF_PLACEHOLDER = 'tidings-shared-schema:';

function generate(routes: readonly DocumentedRoute[], contracts: ReadonlyMap<string, RouteContract>, channels: ReadonlyMap<string, { settingsSchema: z.ZodType }>) {
  const channelNames = [...channels.keys()];
  const shared = new SharedSchemas(schemaComponents);
  const requestBody = (schema: z.ZodType) => {
    const plain = jsonSchemaOf(schema, 'input');
    const body = withChannelSettings(plain, channelNames);
    if (body !== plain) shared.adopt(schema, body);
    return body;
  };
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
      ...(contract?.request === undefined ? {} : { requestBody: { required: true, content: json(requestBody(contract.request)) } }),
      responses: responses(contract),
    };
  }
  const { document: referringPaths, schemas: sharedSchemas } = shared.emit(shared.refer(paths) as typeof paths);
  const fixedSchemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      properties: {
        error: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
    ...Object.fromEntries([...channels].map(([name, channel]) => [settingsSchemaName(name), channelSettingsSchema(channel.settingsSchema)])),
  };
  const clash = Object.keys(sharedSchemas).filter((name) => name in fixedSchemas);
  if (clash.length > 0) throw new Error(`schema names taken by the error and channel settings components: ${clash.join(', ')}`);
  return {
    openapi: '3.1.0' as const,
    info: { title: 'tidings admin API', version: '0.1.0' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: STANDARD_RESPONSES,
      schemas: { ...fixedSchemas, ...sharedSchemas },
    },
    paths: referringPaths,
  };
}
