import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { channelRegistry } from '../lib/notify/channel-registry.js';
import { channelFieldsOf } from './console-channel-fields.js';

/** What the console's build produced. */
export interface BuiltConsole {
  /** `<outDir>/console`: index.html, manifest.json and assets/. */
  dir: string;
  /** Bytes of the console's JavaScript, gzip-compressed (the budget is 150 KB). */
  scriptGzipBytes: number;
  /** The source files bundled into it. */
  inputs: string[];
}

/** The path every asset is served under; index.html names them absolutely, so it works at /console and below. */
export const CONSOLE_ASSET_PATH = '/console/assets/';

/**
 * Builds the web console (console/src, Preact) into `<outDir>/console`: one
 * minified script, one stylesheet and the icon, with content hashes in their
 * names (served as immutable), index.html naming them, and manifest.json listing the files
 * the api function may serve, so a request can never name anything else.
 * The channels' settings forms are derived here from the channels' schemas.
 */
export async function buildConsole(outDir = 'dist'): Promise<BuiltConsole> {
  const dir = join(outDir, 'console');
  rmSync(dir, { recursive: true, force: true });
  const result = await build({
    entryPoints: ['console/src/main.tsx'],
    outdir: join(dir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'console/tsconfig.json',
    metafile: true,
    legalComments: 'none',
    // The settings form of every channel, from the same schemas the API validates with.
    define: { __TIDINGS_CHANNEL_FIELDS__: JSON.stringify(channelFieldsOf(channelRegistry)) },
    logLevel: 'warning',
  });
  const icon = readFileSync('console/icon.svg');
  const iconName = `icon-${createHash('sha256').update(icon).digest('hex').slice(0, 8)}.svg`;
  writeFileSync(join(dir, 'assets', iconName), icon);
  const outputs = [...Object.keys(result.metafile.outputs).map((file) => basename(file)), iconName];
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (script === undefined || style === undefined) throw new Error(`console build produced ${outputs.join(', ')}: expected one .js and one .css`);
  const html = readFileSync('console/index.template.html', 'utf8')
    .replace('%SCRIPT%', `${CONSOLE_ASSET_PATH}${script}`)
    .replace('%STYLE%', `${CONSOLE_ASSET_PATH}${style}`)
    .replace('%ICON%', `${CONSOLE_ASSET_PATH}${iconName}`);
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ assets: outputs }));
  return { dir, scriptGzipBytes: gzipSync(readFileSync(join(dir, 'assets', script))).length, inputs: Object.keys(result.metafile.inputs) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildConsole();
  console.log(`built the console into ${built.dir}: ${(built.scriptGzipBytes / 1024).toFixed(1)} KB of JavaScript gzip-compressed`);
}
