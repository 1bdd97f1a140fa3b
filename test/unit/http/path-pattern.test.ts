import { describe, expect, it } from 'vitest';
import { compilePathPattern } from '../../../lib/http/path-pattern.js';
import { header } from '../../../lib/http/headers.js';

describe('compilePathPattern', () => {
  it('matches the admin API spelling, one segment per parameter', () => {
    const match = compilePathPattern('/v1/accounts/:account/receivers/:name');
    expect(match('/v1/accounts/acme/receivers/ops%20hook')).toEqual({ account: 'acme', name: 'ops hook' });
    expect(match('/v1/accounts/acme/receivers/a/b')).toBeUndefined();
  });

  it("matches API Gateway's spelling, with a greedy parameter taking the rest of the path", () => {
    const match = compilePathPattern('/ingest/{clusterId}/{proxy+}');
    expect(match('/ingest/c1/kubernetes/events')).toEqual({ clusterId: 'c1', proxy: 'kubernetes/events' });
    expect(match('/ingest/c1')).toBeUndefined();
  });

  it('treats everything else in the pattern literally', () => {
    const match = compilePathPattern('/v1/openapi.json');
    expect(match('/v1/openapi.json')).toEqual({});
    expect(match('/v1/openapiXjson')).toBeUndefined();
  });

  it('hands each raw value and its name to decode, which may refuse it', () => {
    const match = compilePathPattern('/a/:id', (raw, name) => {
      throw new Error(`${name}=${raw}`);
    });
    expect(() => match('/a/%ZZ')).toThrow('id=%ZZ');
  });
});

describe('header', () => {
  it('finds a header whatever the case of its name', () => {
    expect(header({ 'Content-Type': 'application/json' }, 'content-type')).toBe('application/json');
    expect(header({ 'if-match': '"3"' }, 'If-Match')).toBe('"3"');
    expect(header(undefined, 'authorization')).toBeUndefined();
  });
});
