import { describe, expect, it } from 'vitest';
import { handleApiRequest, type ApiDependencies } from '../../../lib/api/api-routes.js';
import type { ApiRequest } from '../../../lib/api/api-types.js';

const request: ApiRequest = {
  method: 'GET',
  path: '/v1/accounts/acme/default-rules',
  query: {},
  queryAll: () => [],
  header: () => undefined,
  json: () => undefined,
  principal: { kind: 'operator' },
};

describe('GET /v1/accounts/{a}/default-rules', () => {
  it('answers the lists, macros and aliases the shipped rules use, so that every ${name} in their conditions can be read', async () => {
    // Act: the shipped rules come from code, so no store is needed.
    const { body } = await handleApiRequest(request, {} as ApiDependencies);

    // Assess
    const answer = body as { items: Array<{ condition: string }>; definitions: { lists: object; macros: object; aliases: object } };
    const defined = new Set([...Object.keys(answer.definitions.lists), ...Object.keys(answer.definitions.macros), ...Object.keys(answer.definitions.aliases)]);
    const used = new Set(answer.items.flatMap((rule) => [...rule.condition.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]!)));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((name) => !defined.has(name))).toEqual([]);
    expect(answer.definitions.macros).toMatchObject({ 'past-request-received': 'stage != "RequestReceived"' });
  });
});
