import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sigV4SignerFor } from '../../../lib/aws/sigv4-signer.js';
import { queryEndpointOf, type MetricsEndpoint } from '../../../lib/metric-rules/metrics-endpoint.js';
import { instantQuery, QueryFailedError } from '../../../lib/metric-rules/prometheus-query.js';
import { AddressPolicy } from '../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../lib/net/outbound-http.js';
import { startHttpReceiver } from '../../helpers/http-receiver.js';
import { sigV4Refusal, type TestCredentials } from '../../helpers/sigv4-verifier.js';

const known: TestCredentials = { accessKeyId: 'AKIDTESTTIDINGS', secretAccessKey: 'test-secret-not-real', sessionToken: 'test-session-token' };
const vector = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { pod: 'web-1' }, value: [1, '3'] }] } });

let amp: Awaited<ReturnType<typeof startHttpReceiver>>;
const refusals: Array<string | undefined> = [];

beforeAll(async () => {
  // An Amazon Managed Prometheus stand-in that answers only requests signed for aps in eu-west-1 with the known credentials.
  amp = await startHttpReceiver((request) => {
    const refusal = sigV4Refusal(request, known, { region: 'eu-west-1', service: 'aps' });
    refusals.push(refusal);
    return refusal === undefined ? { status: 200, body: vector } : { status: 403, body: JSON.stringify({ message: refusal }) };
  });
});

afterAll(async () => {
  await amp?.close();
});

const http = createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) });
const endpoint = (overrides: Partial<MetricsEndpoint> = {}): MetricsEndpoint => ({
  accountId: 'acme',
  clusterId: 'c-1',
  url: `${amp.url}/workspaces/ws-1`,
  type: 'prometheus',
  sigv4: { region: 'eu-west-1' },
  externalLabels: {},
  resendDelay: '1m',
  evaluationInterval: '1m',
  updatedAt: '',
  version: 1,
  ...overrides,
});
const open = async () => 'never';

describe('instant queries to Amazon Managed Prometheus', () => {
  it("are signed with SigV4 for aps in the endpoint's region, body and session token included", async () => {
    const target = await queryEndpointOf(endpoint(), open, sigV4SignerFor({ credentials: async () => known }));
    const samples = await instantQuery(http, target, 'errors{namespace="shop"} > 1', new Date());
    expect(samples).toEqual([{ labels: { pod: 'web-1' }, value: 3 }]);
    expect(refusals.at(-1)).toBeUndefined();
    const received = amp.requests.at(-1)!;
    expect(received.path).toBe('/workspaces/ws-1/api/v1/query');
    expect(new URLSearchParams(received.body).get('query')).toBe('errors{namespace="shop"} > 1');
  });

  it('fail as a query failure, never as no series, when the signature is refused', async () => {
    const wrongSecret = sigV4SignerFor({ credentials: async () => ({ ...known, secretAccessKey: 'another' }) });
    const target = await queryEndpointOf(endpoint(), open, wrongSecret);
    await expect(instantQuery(http, target, 'up', new Date())).rejects.toBeInstanceOf(QueryFailedError);
    expect(refusals.at(-1)).toBe('signature does not match');
    const wrongRegion = await queryEndpointOf(endpoint({ sigv4: { region: 'us-east-1' } }), open, sigV4SignerFor({ credentials: async () => known }));
    await expect(instantQuery(http, wrongRegion, 'up', new Date())).rejects.toThrow(/HTTP 403/);
    expect(refusals.at(-1)).toBe('scope us-east-1/aps, expected eu-west-1/aps');
  });

  it('are not signed for endpoints without sigv4', async () => {
    const target = await queryEndpointOf(endpoint({ sigv4: undefined }), open, () => {
      throw new Error('no signer should be asked for');
    });
    await expect(instantQuery(http, target, 'up', new Date())).rejects.toBeInstanceOf(QueryFailedError);
    expect(refusals.at(-1)).toMatch(/^not a SigV4 authorization/);
  });
});
