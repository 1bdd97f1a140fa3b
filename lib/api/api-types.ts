import * as z from 'zod';
import { unstorableNameProblem } from '../alert/labels.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { toIssues } from '../ingest/alertmanager-webhook.js';

/** Who is calling: the operator (whole service) or one tenant of one account. */
export type Principal = { kind: 'operator' } | { kind: 'tenant'; accountId: string; tenantId: string };

/** A request as the API's use cases see it, independent of API Gateway. */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  /** Every value of a repeated query parameter (`filter=a&filter=b`), in order. */
  queryAll(name: string): string[];
  header(name: string): string | undefined;
  /** Parses the body as JSON (415/413/400 as appropriate). */
  json(): unknown;
  principal: Principal;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A client error with its HTTP status: 404 not found, 403 forbidden, 405, ... */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Headers of the answer (a 429's Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string) => new HttpError(404, `${what} not found`);

/** Names that appear in URLs, keys and labels: DNS-label-like, so they need no escaping anywhere. */
export const nameSchema = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and dashes, at most 63 characters');

/**
 * Validates with a schema, turning failures into a 400 that names each field.
 * Keys that cannot be stored (`__proto__`) are refused first: a schema's
 * record would otherwise drop them without a word.
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const unstorable = unstorableKeys(value, prefix === '' ? [] : [prefix]);
  if (unstorable.length > 0) throw new InvalidPayloadError('invalid request', unstorable);
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidPayloadError('invalid request', toIssues(new z.ZodError(oneIssuePerUnknownKey(result.error.issues)), prefix));
  return result.data;
}

/** What a 400 says of a field the API does not know (a misspelling, or a setting of another channel). */
export const UNKNOWN_FIELD = 'is not a known field';

/** A strict object reports its unknown keys in one issue; the 400 names each as a field of its own. */
function oneIssuePerUnknownKey(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap<z.core.$ZodIssue>((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ code: 'custom', input: undefined, path: [...issue.path, key], message: UNKNOWN_FIELD })) : [issue],
  );
}

/**
 * Keys of `value` that `schema` does not name, at any depth, with their
 * paths. For schemas that must stay lenient where they are shared (a
 * channel's settings also parse stored receivers and configs at delivery)
 * while the API refuses what a client misspelt.
 */
export function unknownFields(schema: z.ZodType, value: unknown, path: string): Array<{ field: string; message: string }> {
  if (value === null || typeof value !== 'object') return [];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) {
    return unknownFields(schema.unwrap() as z.ZodType, value, path);
  }
  if (schema instanceof z.ZodPipe) return unknownFields(schema.in as z.ZodType, value, path);
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((item, index) => unknownFields(schema.element as z.ZodType, item, `${path}[${index}]`));
  }
  if (schema instanceof z.ZodUnion) {
    // Unknown only if every alternative finds it so; report the closest alternative's.
    const candidates = (schema.options as z.ZodType[]).map((option) => unknownFields(option, value, path));
    return candidates.reduce((fewest, next) => (next.length < fewest.length ? next : fewest), candidates[0] ?? []);
  }
  if (schema instanceof z.ZodObject && !Array.isArray(value)) {
    const catchall = schema.def.catchall;
    if (catchall !== undefined && !(catchall instanceof z.ZodNever)) return [];
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([key, child]) =>
      Object.hasOwn(shape, key) ? unknownFields(shape[key]!, child, `${path}.${key}`) : [{ field: `${path}.${key}`, message: UNKNOWN_FIELD }],
    );
  }
  return [];
}

/** Every object key in a parsed JSON body that cannot be stored, with its path. */
function unstorableKeys(value: unknown, path: string[]): Array<{ field: string; message: string }> {
  if (value === null || typeof value !== 'object') return [];
  const issues: Array<{ field: string; message: string }> = [];
  for (const [key, child] of Object.entries(value)) {
    const problem = Array.isArray(value) ? undefined : unstorableNameProblem(key);
    if (problem !== undefined) issues.push({ field: [...path, key].join('.'), message: problem });
    else issues.push(...unstorableKeys(child, [...path, key]));
  }
  return issues;
}

/** Validates a path parameter that must be a name. */
export function pathName(value: string, field: string): string {
  return parseWith(z.object({ [field]: nameSchema }), { [field]: value })[field] as string;
}

/** `If-Match: "3"` names the version an update replaces; `*` or absence means "whatever is there now". */
export function ifMatchVersion(request: ApiRequest): number | undefined {
  const value = request.header('if-match');
  if (value === undefined || value.trim() === '*') return undefined;
  const version = Number(value.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(version) || version < 0) {
    throw new InvalidPayloadError('invalid If-Match', [{ field: 'If-Match', message: 'must be a version such as "3"' }]);
  }
  return version;
}

/** Every parameter `pageQuery` reads. */
export const pageQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() });

/** Page size and cursor from the query string. */
export function pageQuery(request: ApiRequest): { limit: number; cursor?: string } {
  const { limit, cursor } = parseWith(pageQuerySchema, { limit: request.query.limit, cursor: request.query.cursor });
  return cursor === undefined ? { limit } : { limit, cursor };
}

export const ok = (body: unknown, headers?: Record<string, string>): ApiResponse => ({ status: 200, body, ...(headers ? { headers } : {}) });
export const etag = (version: number) => ({ etag: `"${version}"` });

/**
 * What one operation takes and answers: the schemas its handler validates
 * with and its views are typed by. The OpenAPI document is generated from
 * these, and tests hold real answers to them.
 */
export interface OperationContract {
  /** The JSON body, as the handler parses it. */
  request?: z.ZodType;
  /** Query parameters, as the handler reads them (a repeated one as an array). */
  query?: z.ZodObject;
  /** The body answered with each success status; `null` for none. */
  responses: Readonly<Record<number, z.ZodType | null>>;
}

/** A list answer: `{items}`, with a cursor when more pages follow. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), cursor: z.string().optional() });
