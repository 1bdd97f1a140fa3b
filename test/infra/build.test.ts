import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions, outputsLoadedAtInit, type BuiltFunction } from '../../infra/build.js';

/** Modules only some sends need: loaded with the first such send, never at module init. */
const LOADED_WHEN_FIRST_NEEDED = ['node_modules/nodemailer/', 'node_modules/@aws-sdk/client-sesv2/', 'node_modules/@aws-sdk/client-sns/', 'node_modules/@aws-sdk/client-kms/'];

/** Modules only some paths of a function need (withLazyModules, lazy-sqs.ts, dynamic imports): in its package, not loaded at init. */
const LAZY_IN: Record<string, string[]> = {
  'node_modules/re2js/': ['aggregate', 'route', 'filter', 'api'],
  'node_modules/croner/': ['aggregate', 'route', 'api'],
  'node_modules/handlebars/': ['api'],
  'node_modules/@aws-sdk/client-sqs/': ['deliver', 'api'],
  'lib/rules/parser.ts': ['api'],
  'node_modules/@prometheus-io/lezer-promql/': ['api'],
  'lib/metric-rules/': ['api'],
  // Only requests about receivers and configs, test sends and console files need these in api.
  'lib/notify/channel-registry.ts': ['api'],
  'lib/notify/channels/slack.ts': ['api'],
  'lib/templates/renderer.ts': ['api'],
  'lib/aws/aws-channel-services.ts': ['api'],
  'functions/api/console-assets.ts': ['api'],
  'lib/aws/dynamo-alert-path-store.ts': ['api'],
  // zod's JSON Schema generator: the OpenAPI document's alone (infra/zod-json-schema-on-demand.ts).
  'node_modules/zod/v4/core/json-schema-processors.js': ['api'],
  'node_modules/zod/v4/core/to-json-schema.js': ['api'],
};

/** zod's JSON Schema generator: no function loads it at init, and only the api function (its OpenAPI document) ships it. */
const ZOD_JSON_SCHEMA = /node_modules\/zod\/v4\/core\/(json-schema-processors|to-json-schema|json-schema-generator)\.js$/;

/**
 * The cold-start issue's bound on what a handler's import loads. Kept at 500 KB
 * on purpose: on 2026-12-02 the largest function (deliver) loads 475 KB and api
 * 418 KB, so routes and channels still to come have room; look for what only
 * some requests need (lazy-channels.ts, withLazyModules) before raising it.
 */
const MAX_INITIAL_BYTES = 500_000;

describe('buildFunctions', () => {
  let outDir: string;
  let built: BuiltFunction[];
  const metafile = (name: string): Metafile => JSON.parse(readFileSync(join(outDir, 'meta', `${name}.json`), 'utf8')) as Metafile;
  const inputsAtInit = (name: string) => outputsLoadedAtInit(metafile(name), `functions/${name}/handler.ts`).flatMap((file) => Object.keys(metafile(name).outputs[file]!.inputs));

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tidings-build-test-'));
    built = await buildFunctions(outDir);
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds every function into its own folder, chunks included, as serverless.yml packages it', () => {
    expect(built.map((f) => f.name).sort()).toEqual(['aggregate', 'api', 'deliver', 'evaluate', 'filter', 'ingest', 'route']);
    for (const { name, entry } of built) {
      expect(entry).toBe(join(outDir, 'functions', name, 'handler.mjs'));
      const chunks = readdirSync(join(outDir, 'functions', name, 'chunks'));
      expect(chunks.every((chunk) => chunk.endsWith('.mjs') || chunk.endsWith('.mjs.map'))).toBe(true);
    }
  });

  it('loads no channel SDK, nodemailer or KMS client at module init', () => {
    for (const { name } of built) {
      const heavy = inputsAtInit(name).filter((input) => LOADED_WHEN_FIRST_NEEDED.some((module) => input.includes(module)));
      expect(heavy, name).toEqual([]);
    }
  });

  it('ships the lazily loaded modules in the package of the functions that send', () => {
    for (const name of ['api', 'deliver']) {
      const inputs = Object.values(metafile(name).outputs).flatMap((output) => Object.keys(output.inputs));
      for (const module of LOADED_WHEN_FIRST_NEEDED) expect(inputs.some((input) => input.includes(module)), `${name}: ${module}`).toBe(true);
    }
  });

  it('bundles the SDK from its ES modules, with zod shaken and without handlebars source maps', () => {
    for (const { name } of built) {
      const inputs = inputsAtInit(name);
      expect(inputs.filter((input) => /node_modules\/@aws-sdk\/[^/]+\/dist-cjs\//.test(input)), name).toEqual([]);
      expect(inputs.filter((input) => input.includes('node_modules/zod/v4/locales/') && !input.endsWith('/en.js')), name).toEqual([]);
      expect(inputs.filter((input) => input.includes('node_modules/source-map/')), name).toEqual([]);
    }
  });

  it('leaves what only some paths need out of the cold start, and ships it for when it is needed', () => {
    for (const [module, names] of Object.entries(LAZY_IN)) {
      for (const name of names) {
        const packaged = Object.values(metafile(name).outputs).flatMap((output) => Object.keys(output.inputs));
        expect(inputsAtInit(name).filter((input) => input.includes(module)), `${name}: ${module}`).toEqual([]);
        expect(packaged.some((input) => input.includes(module)), `${name} ships ${module}`).toBe(true);
      }
    }
  });

  it("leaves zod's JSON Schema generator out of every cold start, and out of every package but the api function's", () => {
    for (const { name } of built) {
      const packaged = Object.values(metafile(name).outputs).flatMap((output) => Object.keys(output.inputs));
      expect(inputsAtInit(name).filter((input) => ZOD_JSON_SCHEMA.test(input)), name).toEqual([]);
      expect(packaged.some((input) => ZOD_JSON_SCHEMA.test(input)), name).toBe(name === 'api');
    }
  });

  it("keeps the protocols only lazily loaded clients use (SNS's query and XML, SES's REST JSON) out of every cold start", () => {
    for (const { name } of built) {
      const protocols = inputsAtInit(name).filter((input) => /@aws-sdk\/core\/dist-es\/submodules\/protocols\/(query|xml)\/|AwsRestJsonProtocol/.test(input));
      expect(protocols, name).toEqual([]);
    }
  });

  it('loads at most 500 KB of minified JavaScript at init in every function', () => {
    const over = built.filter((f) => f.initialBytes > MAX_INITIAL_BYTES).map((f) => `${f.name}: ${f.initialBytes} bytes`);
    expect(over).toEqual([]);
  });
});
