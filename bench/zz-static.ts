import { build } from 'esbuild';
for (const fn of ['aggregate', 'api', 'deliver', 'filter', 'ingest', 'route']) {
  const r = await build({
    entryPoints: [`functions/${fn}/handler.ts`], bundle: true, minify: true, treeShaking: true, platform: 'node', target: 'node22', format: 'esm',
    mainFields: ['module', 'main'], write: false, metafile: true, legalComments: 'none', logLevel: 'error', outdir: '/tmp/bundles/static',
    plugins: [{ name: 'dyn-external', setup(b) { b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined)); b.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', external: true })); } }],
  });
  const out = Object.values(r.metafile.outputs).reduce((s, o) => s + o.bytes, 0);
  console.log(fn, out);
}
// diff for one function
const fn = process.env.FN ?? 'ingest';
const r = await build({
  entryPoints: [`functions/${fn}/handler.ts`], bundle: true, minify: true, treeShaking: true, platform: 'node', target: 'node22', format: 'esm',
  mainFields: ['module', 'main'], write: false, metafile: true, legalComments: 'none', logLevel: 'error', outdir: '/tmp/bundles/static',
  plugins: [{ name: 'dyn-external', setup(b) { b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined)); b.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', external: true })); } }],
});
const { readFileSync } = await import('node:fs');
const { outputsLoadedAtInit } = await import('../infra/build.js');
const meta = JSON.parse(readFileSync(`/tmp/bundles/base/meta/${fn}.json`, 'utf8'));
const inSplit: Record<string, number> = {};
for (const o of outputsLoadedAtInit(meta, `functions/${fn}/handler.ts`)) for (const [i, v] of Object.entries(meta.outputs[o].inputs) as [string, { bytesInOutput: number }][]) inSplit[i] = (inSplit[i] ?? 0) + v.bytesInOutput;
const inStatic: Record<string, number> = {};
for (const o of Object.values(r.metafile.outputs)) for (const [i, v] of Object.entries(o.inputs)) inStatic[i] = v.bytesInOutput;
const extra = Object.entries(inSplit).filter(([k, v]) => v - (inStatic[k] ?? 0) > 300).sort((a, b) => b[1] - a[1]);
console.log('extra total', extra.reduce((s, [k, v]) => s + v - (inStatic[k] ?? 0), 0));
for (const [k, v] of extra.slice(0, 30)) console.log(String(v - (inStatic[k] ?? 0)).padStart(7), k.replace(/.*node_modules\//, ''));
