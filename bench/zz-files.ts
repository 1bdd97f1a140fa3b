import { readFileSync } from 'node:fs';
import { outputsLoadedAtInit } from '../infra/build.js';
const [dir, fn, re] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(`${dir}/meta/${fn}.json`, 'utf8'));
const by: Record<string, number> = {};
for (const o of outputsLoadedAtInit(meta, `functions/${fn}/handler.ts`)) for (const [i, { bytesInOutput }] of Object.entries(meta.outputs[o].inputs) as [string, {bytesInOutput:number}][]) by[i] = (by[i] ?? 0) + bytesInOutput;
const rows = Object.entries(by).filter(([k]) => new RegExp(re!).test(k)).sort((a, b) => b[1] - a[1]);
console.log('total', rows.reduce((s, [, v]) => s + v, 0));
for (const [k, v] of rows.slice(0, Number(process.env.N ?? 40))) console.log(String(v).padStart(7), k.replace(/.*node_modules\//, ''));
