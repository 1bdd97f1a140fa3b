/**
 * Figure 3: each function bundled exactly as deployed (infra/build.ts:
 * esbuild, minified, tree-shaken, AWS SDK bundled), its size, and the time to
 * import the bundle in a fresh Node process: the module-init part of a cold
 * start (Lambda adds runtime start and code download on top).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildFunctions } from '../infra/build.js';

export interface ColdStartRow {
  function: string;
  bundleBytes: number;
  gzipBytes: number;
  /** Median of `runs` fresh processes. */
  initMedianMs: number;
  initMinMs: number;
  initMaxMs: number;
  runs: number;
}

// Handlers create their clients lazily, but give every variable any of them reads so no import can fail.
const INIT_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  CONFIG_TABLE: 'tidings-bench-config',
  HISTORY_TABLE: 'tidings-bench-history',
  STATE_TABLE: 'tidings-bench-state',
  ALERTS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/tidings-bench-alerts',
  GROUPS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/tidings-bench-groups',
  DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/tidings-bench-delivery',
  PUBLIC_URL: 'https://api.example',
  ADMIN_KEY_SHA256: '0'.repeat(64),
};

const run = promisify(execFile);

export async function measureColdStart(runs: number, log: (line: string) => void): Promise<ColdStartRow[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'tidings-bench-build-'));
  try {
    const names = (await buildFunctions(outDir)).sort();
    const rows: ColdStartRow[] = [];
    for (const name of names) {
      const bundle = join(outDir, 'functions', name, 'handler.mjs');
      const code = readFileSync(bundle);
      const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(performance.now() - t);`;
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        // A clean environment, as a Lambda sandbox has: PATH only, plus what the function needs.
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
          env: { PATH: process.env.PATH ?? '', ...INIT_ENV },
        });
        times.push(Number(stdout.trim()));
      }
      times.sort((a, b) => a - b);
      rows.push({
        function: name,
        bundleBytes: code.length,
        gzipBytes: gzipSync(code).length,
        initMedianMs: times[Math.floor(times.length / 2)]!,
        initMinMs: times[0]!,
        initMaxMs: times[times.length - 1]!,
        runs,
      });
      log(`  ${name}: ${(code.length / 1024).toFixed(0)} KiB, init ${rows.at(-1)!.initMedianMs.toFixed(1)} ms`);
    }
    return rows;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
