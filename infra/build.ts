import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Bundles each function as Lambda runs it: one minified, tree-shaken ESM file
 * per function with the AWS SDK bundled in (pinned versions rather than
 * whatever the runtime ships), written to dist/functions/<name>/handler.mjs.
 */
export async function buildFunctions(outDir = 'dist'): Promise<string[]> {
  const names = readdirSync('functions', { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
    .map((entry) => entry.name);
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join('functions', name, 'handler.ts')],
        outfile: join(outDir, 'functions', name, 'handler.mjs'),
        bundle: true,
        minify: true,
        treeShaking: true,
        sourcemap: 'linked',
        platform: 'node',
        target: 'node22',
        format: 'esm',
        // Some CommonJS dependencies call require() for Node built-ins; give ESM bundles one.
        banner: { js: "import { createRequire as __tidingsRequire } from 'node:module'; const require = __tidingsRequire(import.meta.url);" },
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  return names;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = await buildFunctions();
  console.log(`built ${names.length} functions into dist/functions: ${names.join(', ')}`);
}
