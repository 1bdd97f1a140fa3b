import { describe, expect, it } from 'vitest';
import { handleApiRequest, type ApiDependencies } from '../../../lib/api/api-routes.js';
import type { ApiRequest } from '../../../lib/api/api-types.js';
import { issueTenantKey, parseTenantKey } from '../../../lib/api/principal.js';
import { assertKeyPart, decodePathParameter, MAX_KEY_PART_BYTES } from '../../../lib/http/path-parameters.js';
import { InvalidPayloadError } from '../../../lib/ingest/ingest-errors.js';
import { handleIngest, type IngestDependencies } from '../../../lib/ingest/ingest-request.js';
import { languageCodeSchema } from '../../../lib/templates/language-packs.js';

/** Any use of it fails: every request here must be refused before a store, queue or clock is touched. */
const unreachable: any = new Proxy(function unreachableDependency() {}, {
  get: (_target, property) => (property === 'then' ? undefined : unreachable),
  apply: () => {
    throw new Error('a dependency was reached with an id that should have been refused first');
  },
});

function apiRequest(method: string, path: string, overrides: Partial<ApiRequest> = {}): ApiRequest {
  return {
    method,
    path,
    query: {},
    queryAll: () => [],
    header: () => undefined,
    json: () => ({ dictionary: { firing: 'EN FEU' } }),
    principal: { kind: 'operator' },
    ...overrides,
  };
}

/** The 400 a request gets, as the field names it carries. */
async function refusedFields(run: () => Promise<unknown>): Promise<string[]> {
  const error = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InvalidPayloadError);
  return (error as InvalidPayloadError).issues.map((issue) => issue.field);
}

/** The API's dependencies where only reading the clock and the tenant a path names are allowed. */
const apiDeps = new Proxy(
  {},
  {
    get: (_target, property) => {
      if (property === 'now') return () => new Date('2026-11-25T10:00:00Z');
      if (property !== 'stores') return unreachable;
      return new Proxy(
        {},
        {
          get: (_stores, store) =>
            store === 'tenants'
              ? { get: async (accountId: string, tenantId: string) => ({ accountId, tenantId, keys: [], bindings: [], createdAt: '2026-01-01T00:00:00.000Z', version: 1 }) }
              : unreachable,
        },
      );
    },
  },
) as ApiDependencies;
const api = (request: ApiRequest) => () => handleApiRequest(request, apiDeps);
const long = 'x'.repeat(3000);

describe('decodePathParameter', () => {
  it('decodes well-formed percent-encoding', () => {
    expect(decodePathParameter('zh%2Dcn%20x', 'code')).toBe('zh-cn x');
  });

  it.each(['%ZZ', '%E0%A4%A', 'abc%', '%ED%A0%80'])('refuses %s as a 400 naming the field', (raw) => {
    expect(() => decodePathParameter(raw, 'account')).toThrow(InvalidPayloadError);
    try {
      decodePathParameter(raw, 'account');
    } catch (error) {
      expect((error as InvalidPayloadError).issues).toEqual([{ field: 'account', message: 'malformed percent-encoding' }]);
    }
  });
});

describe('assertKeyPart', () => {
  it('accepts an id up to the limit, counted in UTF-8 bytes', () => {
    expect(assertKeyPart('a'.repeat(MAX_KEY_PART_BYTES), 'id')).toHaveLength(MAX_KEY_PART_BYTES);
    expect(() => assertKeyPart('é'.repeat(MAX_KEY_PART_BYTES / 2 + 1), 'id')).toThrow(InvalidPayloadError);
  });

  it('refuses control characters', () => {
    expect(() => assertKeyPart('a\u0000b', 'name')).toThrow(InvalidPayloadError);
  });
});

describe('handleApiRequest path parameters', () => {
  it('answers 400 naming the account for bad percent-encoding instead of throwing a URIError', async () => {
    expect(await refusedFields(api(apiRequest('GET', '/v1/accounts/%ZZ/clusters')))).toEqual(['account']);
  });

  it.each([
    ['a receiver name', 'GET', `/v1/accounts/acme/receivers/${long}`, 'name'],
    ['a tenant receiver name', 'DELETE', `/v1/accounts/acme/tenants/team-a/receivers/${long}`, 'name'],
    ['a silence id', 'GET', `/v1/accounts/acme/silences/${long}`, 'id'],
    ['a cluster id', 'POST', `/v1/accounts/acme/clusters/${long}/tokens`, 'cluster'],
    ['a router name', 'GET', `/v1/accounts/acme/routers/${long}`, 'name'],
    ['a workspace', 'GET', `/v1/accounts/acme/workspaces/${long}`, 'workspace'],
    ['a rule name', 'GET', `/v1/accounts/acme/rules/${long}`, 'name'],
    ['an inhibit rule id', 'DELETE', `/v1/accounts/acme/inhibit-rules/${long}`, 'id'],
    ['a config name', 'DELETE', `/v1/accounts/acme/configs/${long}`, 'name'],
    ['an id with a control character', 'GET', '/v1/accounts/acme/silences/a%00b', 'id'],
  ])('answers 400 naming the parameter for %s too long or unstorable to be a key', async (_what, method, path, field) => {
    expect(await refusedFields(api(apiRequest(method, path)))).toEqual([field]);
  });

  it('answers 400 for bad percent-encoding in an Alertmanager silence id', async () => {
    expect(await refusedFields(api(apiRequest('GET', '/v1/accounts/acme/alertmanager/api/v2/silence/%25ZZ')))).toEqual(['silenceID']);
  });

  it('answers 400 naming the receiver filter of the history when it is too long to be a key', async () => {
    const fields = await refusedFields(api(apiRequest('GET', '/v1/accounts/acme/history', { query: { receiver: long } })));
    expect(fields).toEqual(['receiver']);
  });
});

describe('language pack codes', () => {
  it.each([
    ['a 1,100-character code', 'en' + '-abcdefgh'.repeat(122)],
    ['spaces and a hash', 'NOT%20A%20CODE%23x'],
    ['an empty subtag', 'en--us'],
  ])('answers 400 naming the code for %s', async (_what, code) => {
    expect(await refusedFields(api(apiRequest('PUT', `/v1/accounts/acme/language-packs/${code}`)))).toEqual(['code']);
    expect(await refusedFields(api(apiRequest('PUT', `/v1/accounts/acme/tenants/team-a/language-packs/${code}`)))).toEqual(['code']);
  });

  it('accepts BCP-47-like codes, lower-cased', () => {
    expect(languageCodeSchema.parse('zh-CN')).toBe('zh-cn');
    expect(languageCodeSchema.parse('sr-latn-rs')).toBe('sr-latn-rs');
    expect(languageCodeSchema.safeParse('en' + '-abcdefgh'.repeat(4)).success).toBe(false);
  });
});

describe('parseTenantKey', () => {
  it('reads a key it issued', () => {
    const { key } = issueTenantKey('acme', 'team-a', new Date('2026-11-25T10:00:00Z'));
    expect(parseTenantKey(key)).toMatchObject({ accountId: 'acme', tenantId: 'team-a' });
  });

  it.each([
    ['an oversized account', `tdgt.${long}.team-a.0123.secret`],
    ['an oversized tenant', `tdgt.acme.${long}.0123.secret`],
    ['a tenant that is not a name', 'tdgt.acme.Team#A.0123.secret'],
  ])('refuses a key with %s, so it is never looked up', (_what, key) => {
    expect(parseTenantKey(key)).toBeUndefined();
  });
});

describe('handleIngest ids', () => {
  const request = (clusterId: string, path: string) => ({
    clusterId,
    path,
    method: 'POST',
    headers: { authorization: 'Bearer tdg_whatever', 'content-type': 'application/json' },
    body: { body: '{}', isBase64Encoded: false, contentType: 'application/json', contentEncoding: undefined },
  });

  it('answers 400 naming the cluster id when it is too long to be a key, before any lookup', async () => {
    expect(await refusedFields(() => handleIngest(request('c'.repeat(3000), 'alertmanager'), unreachable as IngestDependencies))).toEqual(['clusterId']);
  });

  it('answers 400 naming the token for bad percent-encoding in a token-in-path URL', async () => {
    expect(await refusedFields(() => handleIngest(request('c-1', 't/%ZZ/alertmanager'), unreachable as IngestDependencies))).toEqual(['token']);
    expect(await refusedFields(() => handleIngest(request('c-1', 't/%E0%A4%A/alerts'), unreachable as IngestDependencies))).toEqual(['token']);
  });
});
