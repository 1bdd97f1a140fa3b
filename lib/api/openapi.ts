/** The route table as the OpenAPI document needs it. */
interface DocumentedRoute {
  method: string;
  pattern: string;
  access: 'operator' | 'tenant';
  summary: string;
}

/**
 * An OpenAPI 3.1 description of the admin API, generated from the route table
 * itself so it cannot drift from what is served. Request bodies are described
 * in the README; every error answers `{error, issues[{field, message}]}`.
 */
export function openApiDocument(routes: readonly DocumentedRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.pattern.replace(/:(\w+)\+/g, '{$1}').replace(/:(\w+)/g, '{$1}');
    const parameters = [...route.pattern.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    paths[path] ??= {};
    paths[path]![route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [path.split('/')[4] ?? 'meta'],
      description: route.access === 'tenant' ? 'Operator key, or the API key of the tenant in the path.' : 'Operator key only.',
      parameters,
      security: [{ bearer: [] }],
      responses: {
        '2XX': { description: 'Success' },
        '400': { description: 'Invalid input', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '401': { description: 'Missing or invalid key' },
        '403': { description: 'The key may not use this endpoint' },
        '404': { description: 'Not found' },
        '409': { description: 'Stale If-Match version' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'tidings admin API', version: '0.1.0' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: { type: 'string' },
            issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    paths,
  };
}
