import { build, type Metafile, type Plugin } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lazyEntriesAfterHandler } from './lazy-entries.js';
import { sdkDeepImports } from './sdk-deep-imports.js';
import { sdkPackageVersions } from './sdk-package-versions.js';
import { buildConsole } from './build-console.js';
import { zodJsonSchemaOnDemand } from './zod-json-schema-on-demand.js';

/** What one function's build produced. */
export interface BuiltFunction {
  name: string;
  /** The handler module Lambda imports. */
  entry: string;
  /** Bytes of JavaScript loaded when the handler module is imported: the entry and the chunks it imports statically. */
  initialBytes: number;
  /** Bytes of JavaScript in the package, lazily loaded chunks included. */
  totalBytes: number;
}

/**
 * handlebars requires `source-map` only to offer source maps of compiled
 * templates, which we never ask for; without it handlebars uses its own
 * string builder, which produces the same template code. Its node entry also
 * requires the AST printer (`Handlebars.print`, a debugging aid) we never call.
 */
const withoutHandlebarsDevTools: Plugin = {
  name: 'without-handlebars-dev-tools',
  setup(build) {
    build.onResolve({ filter: /^source-map$|\/compiler\/printer$/ }, (args) =>
      args.importer.includes('/node_modules/handlebars/') ? { path: args.path, namespace: 'empty-module' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/**
 * Bundles each function as Lambda runs it: minified, tree-shaken ESM with the
 * AWS SDK bundled in (pinned versions rather than whatever the runtime ships),
 * written to dist/functions/<name>/handler.mjs. Code behind a dynamic
 * `import()` (the channels' SDKs and nodemailer, rarely used credential
 * providers, RE2, croner, the SQS client where only some paths use it) goes
 * to chunks/ beside it and loads only when first needed; what the handler
 * loads at init is one chunk (lazy-entries.ts), without the protocols only
 * lazily loaded SDK clients use (sdk-deep-imports.ts).
 * Each function's esbuild metafile goes to dist/meta/<name>.json, outside the
 * package, to see what a bundle is made of. The web console is built beside
 * them into dist/console (infra/build-console.ts), which the api function serves.
 */
export async function buildFunctions(outDir = 'dist'): Promise<BuiltFunction[]> {
  const names = readdirSync('functions', { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .map((entry) => entry.name);
  mkdirSync(join(outDir, 'meta'), { recursive: true });
  // The api function serves the web console from its package (dist/console).
  const [functions] = await Promise.all([buildEachFunction(names, outDir), buildConsole(outDir)]);
  return functions;
}

function buildEachFunction(names: string[], outDir: string): Promise<BuiltFunction[]> {
  return Promise.all(
    names.map(async (name) => {
      const outdir = join(outDir, 'functions', name);
      const source = join('functions', name, 'handler.ts');
      // Chunk names carry content hashes: stale ones from an earlier build must not end up in the package.
      rmSync(outdir, { recursive: true, force: true });
      const result = await build({
        entryPoints: { handler: source },
        outdir,
        outExtension: { '.js': '.mjs' },
        chunkNames: 'chunks/[name]-[hash]',
        splitting: true,
        bundle: true,
        minify: true,
        treeShaking: true,
        sourcemap: 'linked',
        platform: 'node',
        target: 'node22',
        format: 'esm',
        // The SDK's ES modules, not its CommonJS builds (esbuild's default for node), so unused commands and protocols are shaken out.
        mainFields: ['module', 'main'],
        // Some CommonJS dependencies call require() for Node built-ins; give ESM bundles one.
        banner: { js: "import { createRequire as __tidingsRequire } from 'node:module'; const require = __tidingsRequire(import.meta.url);" },
        plugins: [withoutHandlebarsDevTools, sdkPackageVersions, sdkDeepImports, zodJsonSchemaOnDemand(), lazyEntriesAfterHandler(source)],
        metafile: true,
        legalComments: 'none',
        logLevel: 'warning',
      });
      writeFileSync(join(outDir, 'meta', `${name}.json`), JSON.stringify(result.metafile));
      return { name, entry: join(outdir, 'handler.mjs'), ...bundleSizes(result.metafile, source) };
    }),
  );
}

/** The output files the entry built from `source` loads when imported: itself and its static imports, transitively. */
export function outputsLoadedAtInit(metafile: Metafile, source: string): string[] {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file]!.entryPoint === source);
  if (entry === undefined) throw new Error(`no output built from ${source}`);
  const loaded = new Set([entry]);
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external && !loaded.has(imported.path)) {
        loaded.add(imported.path);
        pending.push(imported.path);
      }
    }
  }
  return [...loaded];
}

function bundleSizes(metafile: Metafile, source: string): Pick<BuiltFunction, 'initialBytes' | 'totalBytes'> {
  const outputs = metafile.outputs;
  const bytes = (files: string[]) => files.filter((file) => file.endsWith('.mjs')).reduce((sum, file) => sum + outputs[file]!.bytes, 0);
  return { initialBytes: bytes(outputsLoadedAtInit(metafile, source)), totalBytes: bytes(Object.keys(outputs)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildFunctions();
  console.log(`built ${built.length} functions into dist/functions: ${built.map((f) => f.name).join(', ')}`);
}
