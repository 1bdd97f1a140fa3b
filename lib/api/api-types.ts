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
  if (!result.success) throw new InvalidPayloadError('invalid request', toIssues(result.error, prefix));
  return result.data;
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

/** Page size and cursor from the query string. */
export function pageQuery(request: ApiRequest): { limit: number; cursor?: string } {
  const { limit, cursor } = parseWith(
    z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().optional() }),
    { limit: request.query.limit, cursor: request.query.cursor },
  );
  return cursor === undefined ? { limit } : { limit, cursor };
}

export const ok = (body: unknown, headers?: Record<string, string>): ApiResponse => ({ status: 200, body, ...(headers ? { headers } : {}) });
export const etag = (version: number) => ({ etag: `"${version}"` });
