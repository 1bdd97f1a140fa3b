import type { Session } from './session.js';

/** Whose objects a page shows: the account's global ones (operator) or one tenant's. */
export interface Scope {
  accountId: string;
  tenantId?: string;
}

/** One refused field, as the API names it (`settings.url`, `matchers.0`). */
export interface Issue {
  field: string;
  message: string;
}

/** An answer other than 2xx, with the API's reason and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The messages about one field, and about its sub-fields prefixed with their path below it (`url: must be …`). */
  about(field: string): string[] {
    return this.issues.flatMap((issue) => {
      if (issue.field === field) return [issue.message];
      if (issue.field.startsWith(`${field}.`)) return [`${issue.field.slice(field.length + 1)}: ${issue.message}`];
      if (issue.field.startsWith(`${field}[`)) return [`${issue.field.slice(field.length)}: ${issue.message}`];
      return [];
    });
  }

  /** Messages about fields none of `shown` covers, so that no refusal goes unseen. */
  otherThan(shown: readonly string[]): Issue[] {
    return this.issues.filter((issue) => !shown.some((field) => issue.field === field || issue.field.startsWith(`${field}.`) || issue.field.startsWith(`${field}[`)));
  }
}

const enc = encodeURIComponent;

/** `/v1/accounts/{a}` or `/v1/accounts/{a}/tenants/{t}`: the `{base}` of the README's API table. */
export function basePath(scope: Scope): string {
  return `/v1/accounts/${enc(scope.accountId)}${scope.tenantId === undefined ? '' : `/tenants/${enc(scope.tenantId)}`}`;
}

/** The scope's Alertmanager v2 API. */
export function alertmanagerPath(scope: Scope, path: string): string {
  return `${basePath(scope)}/alertmanager/api/v2/${path}`;
}

/** A query string from pairs, skipping empty values; the same name may repeat (`filter=`). */
export function query(pairs: Array<[string, string | undefined]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of pairs) if (value !== undefined && value !== '') params.append(name, value);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function errorFrom(status: number, body: unknown): ApiError {
  // The Alertmanager API refuses with a JSON string; the tidings API with {error, issues}; the gateway with {message}.
  if (typeof body === 'string') return new ApiError(status, body);
  if (typeof body === 'object' && body !== null) {
    const { error, message, issues } = body as { error?: unknown; message?: unknown; issues?: unknown };
    const text = typeof error === 'string' ? error : typeof message === 'string' ? message : `HTTP ${status}`;
    const list = Array.isArray(issues) ? (issues as Issue[]).filter((i) => typeof i.field === 'string' && typeof i.message === 'string') : [];
    return new ApiError(status, text, list);
  }
  return new ApiError(status, `HTTP ${status}`);
}

/** Calls the API with the session's key; resolves with the parsed JSON body (undefined for 204). */
export async function call<T>(session: Pick<Session, 'key'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${session.key}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) throw errorFrom(response.status, parsed);
  return parsed as T;
}
