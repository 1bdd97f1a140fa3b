import * as z from 'zod';
import { prometheusDurationSchema } from './rule-group.js';
import type { QueryEndpoint } from './prometheus-query.js';

/** `PUT /v1/accounts/{a}/clusters/{cluster}/metrics-endpoint`: where tidings queries a cluster's series to evaluate its rules centrally. */
export const metricsEndpointBodySchema = z
  .strictObject({
    // Credentials go in bearerToken or basicAuth, where they are sealed; never in the URL, which is stored and shown as it is.
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).refine((url) => new URL(url).username === '' && new URL(url).password === '', 'must not carry credentials: use bearerToken or basicAuth'),
    type: z.enum(['prometheus', 'thanos', 'mimir']).default('prometheus'),
    /** Mimir's tenant (`X-Scope-OrgID`). */
    orgId: z.string().min(1).optional(),
    bearerToken: z.string().min(1).optional(),
    basicAuth: z.strictObject({ username: z.string().min(1), password: z.string().min(1) }).optional(),
    externalLabels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name'), z.string()).default({}),
    resendDelay: prometheusDurationSchema.default('1m'),
    evaluationInterval: prometheusDurationSchema.default('1m'),
  })
  .refine((body) => body.bearerToken === undefined || body.basicAuth === undefined, { message: 'give bearerToken or basicAuth, not both', path: ['basicAuth'] })
  .refine((body) => body.type !== 'mimir' || body.orgId !== undefined, { message: 'Mimir needs the tenant as orgId', path: ['orgId'] });

/** A cluster's endpoint as stored: credentials sealed. */
export interface MetricsEndpoint {
  accountId: string;
  clusterId: string;
  url: string;
  type: 'prometheus' | 'thanos' | 'mimir';
  orgId?: string;
  /** `Authorization` header value, sealed. */
  sealedAuthorization?: string;
  externalLabels: Record<string, string>;
  resendDelay: string;
  evaluationInterval: string;
  updatedAt: string;
  version: number;
}

/** Endpoints by cluster; the scheduled evaluation lists them all. */
export interface MetricsEndpointStore {
  get(accountId: string, clusterId: string): Promise<MetricsEndpoint | undefined>;
  list(): Promise<MetricsEndpoint[]>;
  put(endpoint: MetricsEndpoint, expectedVersion: number): Promise<void>;
  delete(accountId: string, clusterId: string): Promise<boolean>;
}

/** The endpoint as the API shows it: whether credentials are set (`<secret>`, else null), never their values. */
export const metricsEndpointViewSchema = z.strictObject({
  accountId: z.string(),
  clusterId: z.string(),
  url: z.string(),
  type: z.enum(['prometheus', 'thanos', 'mimir']),
  orgId: z.string().optional(),
  externalLabels: z.record(z.string(), z.string()),
  resendDelay: z.string(),
  evaluationInterval: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  authorization: z.literal('<secret>').nullable(),
});
export type MetricsEndpointView = z.infer<typeof metricsEndpointViewSchema>;

export function metricsEndpointView(endpoint: MetricsEndpoint): MetricsEndpointView {
  const { sealedAuthorization, ...rest } = endpoint;
  return { ...rest, authorization: sealedAuthorization === undefined ? null : '<secret>' };
}

/** The `Authorization` header a request body asks for, before sealing. */
export function authorizationOf(body: z.infer<typeof metricsEndpointBodySchema>): string | undefined {
  if (body.bearerToken !== undefined) return `Bearer ${body.bearerToken}`;
  if (body.basicAuth !== undefined) return `Basic ${Buffer.from(`${body.basicAuth.username}:${body.basicAuth.password}`).toString('base64')}`;
  return undefined;
}

/** How to query the endpoint: credentials opened, Mimir's tenant header, Thanos asked to fail rather than answer partially. */
export async function queryEndpointOf(endpoint: MetricsEndpoint, open: (sealed: string) => Promise<string>): Promise<QueryEndpoint> {
  const headers: Record<string, string> = {};
  if (endpoint.sealedAuthorization !== undefined) headers.authorization = await open(endpoint.sealedAuthorization);
  if (endpoint.type === 'mimir') headers['x-scope-orgid'] = endpoint.orgId!;
  return { url: endpoint.url, headers, ...(endpoint.type === 'thanos' ? { params: { partial_response: 'false' } } : {}) };
}
