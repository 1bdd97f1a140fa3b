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
    /** Amazon Managed Prometheus: requests signed with SigV4 (service `aps`) by the function's own AWS credentials; the region defaults to the URL's. */
    sigv4: z.strictObject({ region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as eu-west-1').optional() }).optional(),
    externalLabels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a label name'), z.string()).default({}),
    resendDelay: prometheusDurationSchema.default('1m'),
    evaluationInterval: prometheusDurationSchema.default('1m'),
  })
  .refine((body) => body.bearerToken === undefined || body.basicAuth === undefined, { message: 'give bearerToken or basicAuth, not both', path: ['basicAuth'] })
  .refine((body) => body.sigv4 === undefined || (body.bearerToken === undefined && body.basicAuth === undefined), { message: 'sigv4 signs with AWS credentials: no bearerToken or basicAuth beside it', path: ['sigv4'] })
  .refine((body) => body.sigv4 === undefined || sigV4Region(body.url, body.sigv4.region) !== undefined, {
    message: 'give sigv4.region: the URL is not an aps-workspaces.<region>.amazonaws.com one',
    path: ['sigv4', 'region'],
  })
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
  /** Sign requests with SigV4 for `aps` in this region (Amazon Managed Prometheus). */
  sigv4?: { region: string };
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
  sigv4: z.strictObject({ region: z.string() }).optional(),
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

/** The region to sign for: the one given, else the one in an Amazon Managed Prometheus URL. */
export function sigV4Region(url: string, region: string | undefined): string | undefined {
  return region ?? /^aps-workspaces\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(url).hostname)?.[1];
}

/** Signs a query request (SigV4 for `aps` in a region, with the function's own credentials): the headers to add. */
export type RequestSignerFor = (region: string) => NonNullable<QueryEndpoint['sign']>;

/** How to query the endpoint: credentials opened, Mimir's tenant header, Thanos asked to fail rather than answer partially, AMP's requests signed. */
export async function queryEndpointOf(endpoint: MetricsEndpoint, open: (sealed: string) => Promise<string>, signerFor: RequestSignerFor): Promise<QueryEndpoint> {
  const headers: Record<string, string> = {};
  if (endpoint.sealedAuthorization !== undefined) headers.authorization = await open(endpoint.sealedAuthorization);
  if (endpoint.type === 'mimir') headers['x-scope-orgid'] = endpoint.orgId!;
  return {
    url: endpoint.url,
    headers,
    ...(endpoint.type === 'thanos' ? { params: { partial_response: 'false' } } : {}),
    ...(endpoint.sigv4 === undefined ? {} : { sign: signerFor(endpoint.sigv4.region) }),
  };
}
