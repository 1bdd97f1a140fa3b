import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * zod's JSON Schema generator (about 21 KB minified) was loaded at every
 * function's init, although only the api function's OpenAPI document uses it,
 * when first asked for. Two things put it there: zod's classic schemas bind a
 * processor into every schema they construct, and with code splitting a file
 * goes to the chunk of every entry that reaches it by any import, so the
 * re-exports of `z.toJSONSchema` in zod's index files drew the generator into
 * the api's init chunk. This plugin, for function bundles:
 * - drops those bindings from zod's classic schemas (for a schema without one,
 *   `z.toJSONSchema` takes the processor for the schema's type from its own
 *   table: zod/mini's path, the same processors); their `aggregateChecks`
 *   (`.minLength` and such) comes from a module of its own;
 * - drops the generator's re-exports from zod's index files;
 * - gives the modules listed in `generatorImporters` a `zod` that has
 *   `toJSONSchema`, so the generator is bundled with them alone.
 * A schema's own `.toJSONSchema()` and Standard Schema `jsonSchema` throw
 * instead: use `z.toJSONSchema(schema)`. The build fails when zod's files no
 * longer have the shape this expects (after an upgrade).
 */
export function zodJsonSchemaOnDemand(generatorImporters: readonly string[] = ['lib/api/openapi.ts']): Plugin {
  const importers = new Set(generatorImporters.map((file) => resolve(file)));
  return {
    name: 'zod-json-schema-on-demand',
    setup(build) {
      let zodRoot: string | undefined;
      const zodFile = async (path: string) => {
        if (zodRoot === undefined) {
          const found = await build.resolve('zod', { kind: 'import-statement', resolveDir: process.cwd() });
          const at = found.path.lastIndexOf('/node_modules/zod/');
          if (at < 0) throw new Error(`zod resolved outside node_modules/zod: ${found.path}`);
          zodRoot = join(found.path.slice(0, at), 'node_modules/zod/v4');
        }
        return join(zodRoot, path);
      };

      build.onResolve({ filter: /^zod$/ }, (args) => (importers.has(args.importer) ? { path: 'zod', namespace: 'zod-with-json-schema' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'zod-with-json-schema' }, async () => ({
        contents: [
          `export * from ${JSON.stringify(await zodFile('classic/external.js'))};`,
          `export { toJSONSchema } from ${JSON.stringify(await zodFile('core/json-schema-processors.js'))};`,
        ].join('\n'),
        loader: 'js',
        resolveDir: await zodFile('.'),
      }));

      build.onResolve({ filter: /^zod-aggregate-checks$/ }, () => ({ path: 'aggregate-checks', namespace: 'zod-aggregate-checks' }));
      build.onLoad({ filter: /.*/, namespace: 'zod-aggregate-checks' }, async () => {
        const path = await zodFile('core/json-schema-processors.js');
        return { contents: aggregateChecksOnly(await readFile(path, 'utf8'), path), loader: 'js', resolveDir: dirname(path) };
      });

      build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic[\\/](schemas|external)|core[\\/]index)\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const contents = args.path.endsWith('schemas.js') ? withoutJsonSchemaBindings(source, args.path) : withoutGeneratorReexports(source, args.path);
        return { contents, loader: 'js' };
      });
    },
  };
}

function shapeChanged(path: string, what: string): Error {
  return new Error(`${path}: zod changed shape (${what}); infra/zod-json-schema-on-demand.ts needs updating`);
}

const BINDING = /^\s*inst\._zod\.processJSONSchema = \(ctx, json, params\) => processors\.\w+\(inst, ctx, json, params\);\n/gm;
const PROCESSORS_IMPORT = 'import * as processors from "../core/json-schema-processors.js";';
const METHODS_IMPORT = 'import { createStandardJSONSchemaMethod, createToJSONSchemaMethod } from "../core/to-json-schema.js";';
const METHODS_STUB = [
  'const jsonSchemaLeftOut = () => () => { throw new Error("a schema\'s own JSON Schema methods are left out of function bundles (infra/zod-json-schema-on-demand.ts): use z.toJSONSchema(schema)"); };',
  'const createStandardJSONSchemaMethod = jsonSchemaLeftOut, createToJSONSchemaMethod = jsonSchemaLeftOut;',
].join('\n');

/** zod's classic schemas without their JSON Schema processor bindings and methods. */
export function withoutJsonSchemaBindings(source: string, path: string): string {
  // zod 4.6 binds 41 processors.
  if ((source.match(BINDING)?.length ?? 0) < 30 || !source.includes(PROCESSORS_IMPORT) || !source.includes(METHODS_IMPORT)) throw shapeChanged(path, 'processor bindings');
  const result = source
    .replace(BINDING, '')
    .replace(METHODS_IMPORT, METHODS_STUB)
    .replace(PROCESSORS_IMPORT, 'import { aggregateChecks } from "zod-aggregate-checks";')
    .replaceAll('processors.aggregateChecks(', 'aggregateChecks(');
  if (/processJSONSchema|processors\.|to-json-schema/.test(result)) throw shapeChanged(path, 'other uses of the processors');
  return result;
}

const GENERATOR_REEXPORT = /^export (\* |\{ (toJSONSchema|JSONSchemaGenerator) \} )from "\.\.?\/(core\/)?(to-json-schema|json-schema-processors|json-schema-generator)\.js";\n/gm;

/** zod's index files without the re-exports of the generator. */
export function withoutGeneratorReexports(source: string, path: string): string {
  const result = source.replace(GENERATOR_REEXPORT, '');
  if (result === source || /to-json-schema|json-schema-processors|json-schema-generator/.test(result)) throw shapeChanged(path, 'generator re-exports');
  return result;
}

/** The start of zod's processors file: `aggregateChecks` and what it uses, before the first processor. */
function aggregateChecksOnly(source: string, path: string): string {
  const end = source.indexOf('export const stringProcessor');
  const start = source.slice(0, end).replace(/^import \{[^}]*\} from "\.\/to-json-schema\.js";\n/m, '');
  if (end < 0 || start.length === end || !start.includes('export function aggregateChecks(')) throw shapeChanged(path, 'aggregateChecks');
  return start;
}
