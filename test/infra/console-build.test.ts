import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type BuiltConsole } from '../../infra/build-console.js';
import { buildFunctions, outputsLoadedAtInit } from '../../infra/build.js';

describe('buildConsole', () => {
  let outDir: string;
  let built: BuiltConsole;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tidings-console-build-'));
    built = await buildConsole(outDir);
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('keeps the JavaScript within its 150 KB gzip budget', () => {
    expect(built.scriptGzipBytes).toBeGreaterThan(0);
    expect(built.scriptGzipBytes).toBeLessThanOrEqual(150 * 1024);
  });

  it("bundles none of lib/ or zod: the API's types it takes vanish at bundle time", () => {
    expect(built.inputs.some((input) => input.startsWith('console/src/'))).toBe(true);
    expect(built.inputs.filter((input) => input.startsWith('lib/') || input.includes('node_modules/zod/'))).toEqual([]);
  });

  it('writes a page that only names its own content-hashed files, and no inline script or style', () => {
    const html = readFileSync(join(built.dir, 'index.html'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(built.dir, 'manifest.json'), 'utf8')) as { assets: string[] };
    expect(manifest.assets.sort()).toEqual(readdirSync(join(built.dir, 'assets')).sort());
    const referenced = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(referenced.sort()).toEqual(manifest.assets.map((name) => `/console/assets/${name}`).sort());
    for (const name of manifest.assets) expect(name).toMatch(/^[a-z]+-[A-Za-z0-9]{8}\.(js|css|svg)$/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});

describe('the api function with the console', () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tidings-console-api-'));
    await buildFunctions(outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("loads none of the console's code at init, and has the console's files beside it in the package", () => {
    const metafile = JSON.parse(readFileSync(join(outDir, 'meta', 'api.json'), 'utf8')) as Metafile;
    const inputs = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(inputs.filter((input) => input.startsWith('console/') || input.includes('node_modules/preact/'))).toEqual([]);
    expect(outputsLoadedAtInit(metafile, 'functions/api/handler.ts').length).toBeGreaterThan(0);
    expect(readdirSync(join(outDir, 'console'))).toEqual(expect.arrayContaining(['index.html', 'manifest.json', 'assets']));
  });
});
