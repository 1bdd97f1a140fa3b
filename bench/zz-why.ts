import { readFileSync } from 'node:fs';
const [dir, fn, target] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(`${dir}/meta/${fn}.json`, 'utf8'));
const source = `functions/${fn}/handler.ts`;
const parent = new Map<string, string>([[source, '']]);
const q = [source];
while (q.length) { const f = q.shift()!; for (const imp of meta.inputs[f]?.imports ?? []) { if (imp.kind === 'dynamic-import' || imp.external) continue; if (!parent.has(imp.path)) { parent.set(imp.path, f); q.push(imp.path); } } }
for (const k of parent.keys()) if (k.includes(target!)) { const c = []; for (let x: string | undefined = k; x; x = parent.get(x)) c.unshift(x.replace(/.*node_modules\//, '')); console.log(c.join('\n  > ')); break; }
