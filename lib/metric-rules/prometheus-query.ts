import * as z from 'zod';
import type { OutboundHttp } from '../net/outbound-http.js';
import type { Sample } from './alerting-state.js';

/** Where a cluster's series can be queried, and how to authenticate. */
export interface QueryEndpoint {
  /** Base URL under which `/api/v1/query` is served (Mimir: `…/prometheus`; AMP: `…/workspaces/<id>`). */
  url: string;
  /** Extra headers: `Authorization`, Mimir's `X-Scope-OrgID`. */
  headers?: Record<string, string>;
  /** Extra form parameters (Thanos: `partial_response=false`). */
  params?: Record<string, string>;
  /** Signs a request (Amazon Managed Prometheus: SigV4 for `aps`); returns the headers to send. */
  sign?: (request: { method: 'POST'; url: string; headers: Record<string, string>; body: string }) => Promise<Record<string, string>>;
  timeoutMs?: number;
}

/**
 * The query could not be answered in full: an error status, a body that is
 * not Prometheus' API format, or warnings (Thanos turns an unreachable store
 * into warnings on a 200). Never read as "no series": the rule's state must
 * not change on a result that may be missing series.
 */
export class QueryFailedError extends Error {
  constructor(
    message: string,
    readonly details: { status?: number; errorType?: string; warnings?: string[] } = {},
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}

const sampleValue = z.tuple([z.number(), z.string()]);
const responseSchema = z.object({
  status: z.enum(['success', 'error']),
  data: z
    .object({
      resultType: z.enum(['vector', 'scalar', 'matrix', 'string']),
      result: z.unknown(),
    })
    .optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
const vectorSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue.optional(), histogram: z.unknown().optional() }));

/** Prometheus' text for special floats: `+Inf`, `-Inf`, `NaN`. */
function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/**
 * One instant query (`POST /api/v1/query`, form-encoded, `time` in unix
 * seconds) through the outbound client, so the address policy applies. A
 * scalar result becomes one sample without labels, as Prometheus' rule
 * manager reads it. Native histogram samples are refused (alert rules
 * compare floats).
 */
export async function instantQuery(http: OutboundHttp, endpoint: QueryEndpoint, expr: string, at: Date): Promise<Sample[]> {
  const url = `${endpoint.url.replace(/\/$/, '')}/api/v1/query`;
  const body = new URLSearchParams({ ...endpoint.params, query: expr, time: (at.getTime() / 1000).toFixed(3) }).toString();
  let headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...endpoint.headers };
  if (endpoint.sign !== undefined) headers = { ...headers, ...(await endpoint.sign({ method: 'POST', url, headers, body })) };
  const response = await http({ method: 'POST', url, headers, body, timeoutMs: endpoint.timeoutMs ?? 10_000 });
  let parsed: z.infer<typeof responseSchema>;
  try {
    parsed = responseSchema.parse(JSON.parse(response.body));
  } catch {
    throw new QueryFailedError(`query answered HTTP ${response.status} without Prometheus' API format`, { status: response.status });
  }
  if (parsed.status !== 'success' || response.status !== 200) {
    throw new QueryFailedError(`query failed: ${parsed.errorType ?? 'error'}: ${parsed.error ?? `HTTP ${response.status}`}`, {
      status: response.status,
      ...(parsed.errorType === undefined ? {} : { errorType: parsed.errorType }),
    });
  }
  if ((parsed.warnings ?? []).length > 0) throw new QueryFailedError(`partial result: ${parsed.warnings!.join('; ')}`, { status: response.status, warnings: parsed.warnings! });
  const data = parsed.data;
  if (data?.resultType === 'scalar') {
    const [, value] = sampleValue.parse(data.result);
    return [{ labels: {}, value: parseValue(value) }];
  }
  if (data?.resultType !== 'vector') throw new QueryFailedError(`an alerting rule needs a vector or a scalar, the query answered ${data?.resultType ?? 'nothing'}`);
  const vector = vectorSchema.safeParse(data.result);
  if (!vector.success) throw new QueryFailedError('query answered a malformed vector');
  return vector.data.map((item) => {
    if (item.value === undefined) throw new QueryFailedError('query answered a native histogram sample; alert rules need floats');
    return { labels: item.metric, value: parseValue(item.value[1]) };
  });
}
