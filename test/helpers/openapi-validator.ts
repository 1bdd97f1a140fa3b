import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * An Ajv for the JSON Schemas of an OpenAPI 3.1 document (dialect 2020-12),
 * strict, with the document's components registered so `$ref`s resolve.
 * Union types (`["string","number"]`) are plain JSON Schema, so allowed.
 */
export function documentValidator(document: { components: { schemas: Record<string, unknown> } }): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false });
  for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
  return ajv;
}
