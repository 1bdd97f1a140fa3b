import { type PairRow, pairRowsOf, pairsOf } from './pairs.js';
import type { MetricsEndpoint } from './types.js';

/**
 * A cluster's metrics endpoint as its form holds it and as the API takes it.
 * Credentials are write-only: the API shows only that some are stored, and a
 * PUT without them stores none, so the form asks for them again.
 */
export const ENDPOINT_TYPES = ['prometheus', 'thanos', 'mimir'] as const;
export const AUTH_KINDS = ['none', 'bearer', 'basic', 'sigv4'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

export interface MetricsEndpointForm {
  url: string;
  type: string;
  orgId: string;
  auth: AuthKind;
  bearerToken: string;
  username: string;
  password: string;
  region: string;
  externalLabels: PairRow[];
  resendDelay: string;
  evaluationInterval: string;
}

export function metricsEndpointFormOf(endpoint: MetricsEndpoint | undefined): MetricsEndpointForm {
  return {
    url: endpoint?.url ?? '',
    type: endpoint?.type ?? 'prometheus',
    orgId: endpoint?.orgId ?? '',
    // Stored credentials are not shown: a bearer token is the likelier, typed again to keep it.
    auth: endpoint?.sigv4 !== undefined ? 'sigv4' : endpoint?.authorization === '<secret>' ? 'bearer' : 'none',
    bearerToken: '',
    username: '',
    password: '',
    region: endpoint?.sigv4?.region ?? '',
    externalLabels: pairRowsOf(endpoint?.externalLabels),
    resendDelay: endpoint?.resendDelay ?? '1m',
    evaluationInterval: endpoint?.evaluationInterval ?? '1m',
  };
}

/** The body of PUT …/clusters/{c}/metrics-endpoint: the credentials of the kind chosen, sent as typed for the API to judge. */
export function metricsEndpointBodyOf(form: MetricsEndpointForm): Record<string, unknown> {
  const credentials =
    form.auth === 'bearer'
      ? { bearerToken: form.bearerToken }
      : form.auth === 'basic'
        ? { basicAuth: { username: form.username, password: form.password } }
        : form.auth === 'sigv4'
          ? { sigv4: form.region.trim() === '' ? {} : { region: form.region.trim() } }
          : {};
  return {
    url: form.url.trim(),
    type: form.type,
    ...(form.orgId.trim() === '' ? {} : { orgId: form.orgId.trim() }),
    ...credentials,
    externalLabels: pairsOf(form.externalLabels),
    resendDelay: form.resendDelay.trim(),
    evaluationInterval: form.evaluationInterval.trim(),
  };
}
