import { describe, expect, it } from 'vitest';
import { metricsEndpointBodyOf, metricsEndpointFormOf } from '../../../console/src/metrics-endpoint-form.js';
import { metricsEndpointBodySchema } from '../../../lib/metric-rules/metrics-endpoint.js';
import type { MetricsEndpoint } from '../../../console/src/types.js';

const shown: MetricsEndpoint = {
  accountId: 'acme',
  clusterId: 'c1',
  url: 'https://mimir.example/prometheus',
  type: 'mimir',
  orgId: 'team-x',
  externalLabels: { region: 'eu' },
  resendDelay: '2m',
  evaluationInterval: '30s',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 3,
  authorization: '<secret>',
};

/** Where the API refuses a body, as `path: message`. */
function refusals(body: Record<string, unknown>) {
  const parsed = metricsEndpointBodySchema.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe("a cluster's metrics endpoint as the console's form holds it", () => {
  it('reads what the API shows, asking for the stored credentials again, and writes a body the API takes with them', () => {
    const form = metricsEndpointFormOf(shown);

    expect(form).toMatchObject({ url: shown.url, type: 'mimir', orgId: 'team-x', auth: 'bearer', bearerToken: '', externalLabels: [['region', 'eu']], resendDelay: '2m', evaluationInterval: '30s' });
    expect(refusals(metricsEndpointBodyOf(form))).toEqual([expect.stringMatching(/^bearerToken: /)]);
    expect(metricsEndpointBodySchema.parse(metricsEndpointBodyOf({ ...form, bearerToken: 't0ken' }))).toMatchObject({ url: shown.url, type: 'mimir', orgId: 'team-x', bearerToken: 't0ken', externalLabels: { region: 'eu' } });
  });

  it('sends only the credentials of the kind chosen', () => {
    const form = { ...metricsEndpointFormOf(undefined), url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1', bearerToken: 'left over', username: 'u', password: 'p' };

    expect(metricsEndpointBodySchema.parse(metricsEndpointBodyOf({ ...form, auth: 'sigv4' }))).toMatchObject({ sigv4: {} });
    expect(metricsEndpointBodyOf({ ...form, auth: 'sigv4' })).not.toHaveProperty('bearerToken');
    expect(metricsEndpointBodySchema.parse(metricsEndpointBodyOf({ ...form, auth: 'basic' }))).toMatchObject({ basicAuth: { username: 'u', password: 'p' } });
    expect(Object.keys(metricsEndpointBodyOf({ ...form, auth: 'none' })).sort()).toEqual(['evaluationInterval', 'externalLabels', 'resendDelay', 'type', 'url']);
  });

  it('leaves an empty tenant out, so the API says Mimir needs one', () => {
    expect(refusals(metricsEndpointBodyOf({ ...metricsEndpointFormOf(undefined), url: 'https://mimir.example/prometheus', type: 'mimir' }))).toEqual(['orgId: Mimir needs the tenant as orgId']);
  });
});
