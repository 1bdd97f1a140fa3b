import { readFileSync } from 'node:fs';
import type { Metafile } from 'esbuild';
import { outputsLoadedAtInit } from '../infra/build.js';

const dir = process.argv[2]!;
const fns = process.argv.slice(3);
const pkgOf = (p: string) => {
  const m = p.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  return m ? m[1]! : p.startsWith('lib/') || p.startsWith('functions/') ? p.split('/').slice(0, 2).join('/') : p;
};
for (const fn of fns) {
  const meta = JSON.parse(readFileSync(`${dir}/meta/${fn}.json`, 'utf8')) as Metafile;
  const source = `functions/${fn}/handler.ts`;
  const init = outputsLoadedAtInit(meta, source);
  const bytesBy = new Map<string, number>();
  let total = 0;
  for (const out of init) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[out]!.inputs)) {
      const k = pkgOf(input);
      bytesBy.set(k, (bytesBy.get(k) ?? 0) + bytesInOutput);
      total += bytesInOutput;
    }
  }
  // static import graph over inputs
  const parent = new Map<string, string>([[source, '']]);
  const queue = [source];
  while (queue.length) {
    const f = queue.shift()!;
    for (const imp of meta.inputs[f]?.imports ?? []) {
      if (imp.kind === 'dynamic-import' || imp.external) continue;
      if (!parent.has(imp.path)) { parent.set(imp.path, f); queue.push(imp.path); }
    }
  }
  const chain = (f: string) => { const c = []; for (let x: string | undefined = f; x; x = parent.get(x)) c.unshift(x); return c; };
  console.log(`\n=== ${fn}: ${(total / 1000).toFixed(0)} KB at init (inputs)`);
  const rows = [...bytesBy].sort((a, b) => b[1] - a[1]).filter(([, b]) => b > 3000);
  for (const [k, b] of rows) {
    const first = [...parent.keys()].find((p) => pkgOf(p) === k);
    const c = first ? chain(first).filter((x) => !x.includes('node_modules') || pkgOf(x) === k).slice(-5).map((x)=>x.replace(/.*node_modules\//,'')).join(' > ') : '';
    console.log(`${(b / 1000).toFixed(1).padStart(7)} ${k}   ${process.env.CHAINS ? c : ''}`);
  }
}
