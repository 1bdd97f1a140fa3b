import type { Plugin } from 'esbuild';
import { init, parse } from 'es-module-lexer';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Code splitting puts each file in a chunk shared by exactly the entry points
 * that reach it, and every `import()` target is an entry point: with a dozen
 * lazily loaded modules, what the handler loads at init came in 20-30 small
 * chunks, and each file costs its own read, compile and link at cold start.
 * But a lazily loaded module only ever runs after the handler has loaded, so
 * sharing the handler's whole static graph costs it nothing. This plugin makes
 * every `import()` target also import the handler module: everything the
 * handler loads is then reached by the same set of entry points and lands in
 * one chunk, and each lazily loaded module keeps only what the handler does
 * not load. Same modules, same order of evaluation; fewer files.
 */
export function lazyEntriesAfterHandler(handlerSource: string): Plugin {
  const handler = resolve(handlerSource);
  return {
    name: 'lazy-entries-after-handler',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === LAZY_TARGET) return undefined;
        const target = await build.resolve(args.path, { resolveDir: args.resolveDir, importer: args.importer, kind: 'dynamic-import', pluginData: LAZY_TARGET });
        if (target.errors.length > 0 || target.external || target.namespace !== 'file') return undefined;
        return { path: target.path, namespace: 'lazy-entry' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-entry' }, async (args) => {
        const target = JSON.stringify(args.path);
        const lines = [`import ${JSON.stringify(handler)};`, `export * from ${target};`];
        // `export *` leaves out the default export, which a CommonJS module's namespace (handlebars) has.
        if (await hasDefaultExport(args.path)) lines.push(`export { default } from ${target};`);
        return { contents: lines.join('\n'), resolveDir: dirname(args.path), loader: 'js' };
      });
    },
  };
}

const LAZY_TARGET = Symbol('lazy target');

async function hasDefaultExport(file: string): Promise<boolean> {
  if (!/\.(m?js|cjs)$/.test(file)) return false;
  await init;
  const [, exports, , hasModuleSyntax] = parse(await readFile(file, 'utf8'));
  return !hasModuleSyntax || exports.some((entry) => entry.n === 'default');
}
