/**
 * Figure 3: each function bundled exactly as deployed (infra/build.ts:
 * esbuild, minified, tree-shaken, AWS SDK bundled, code split), the size of
 * what its import loads and of its whole package, and the time to import the
 * bundle in a fresh Node process: the module-init part of a cold start
 * (Lambda adds runtime start and code download on top). Targets from the
 * cold-start issue: at most 500 KB loaded at init and 100 ms of module init.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildFunctions } from '../infra/build.js';

/** The targets: bytes loaded at init (minified) and module init time. */
export const COLD_START_TARGETS = { initialBytes: 500_000, initMs: 100 } as const;

export interface ColdStartRow {
  function: string;
  /** Minified JavaScript the handler's import loads: the entry and its static chunks. */
  initialBytes: number;
  /** Minified JavaScript in the package, chunks loaded on first need included. */
  totalBytes: number;
  /** Median of `runs` fresh processes. */
  initMedianMs: number;
  initMinMs: number;
  initMaxMs: number;
  /** Median CPU time (user + system) of the import: steadier than wall time when other work shares the cores. */
  initCpuMedianMs: number;
  runs: number;
  /** The machine's 1-minute load average when the measurement ended. */
  loadAverage: number;
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
    const built = (await buildFunctions(outDir)).sort((a, b) => a.name.localeCompare(b.name));
    const times = new Map<string, number[]>(built.map(({ name }) => [name, []]));
    const cpuTimes = new Map<string, number[]>(built.map(({ name }) => [name, []]));
    // Round by round over the functions, so that a burst of other work on the machine skews them all alike.
    for (let i = 0; i < runs; i++) {
      for (const { name, entry } of built) {
        const script = `const t = performance.now(); const c = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(entry).href)}); const u = process.cpuUsage(c); console.log(performance.now() - t, (u.user + u.system) / 1000);`;
        // A clean environment, as a Lambda sandbox has: PATH only, plus what the function needs.
        const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
          env: { PATH: process.env.PATH ?? '', ...INIT_ENV },
        });
        const [wall, cpu] = stdout.trim().split(' ').map(Number);
        times.get(name)!.push(wall!);
        cpuTimes.get(name)!.push(cpu!);
      }
    }
    const rows = built.map(({ name, initialBytes, totalBytes }): ColdStartRow => {
      const sorted = times.get(name)!.sort((a, b) => a - b);
      const cpu = cpuTimes.get(name)!.sort((a, b) => a - b);
      const median = (values: number[]) => values[Math.floor(values.length / 2)]!;
      return {
        function: name,
        initialBytes,
        totalBytes,
        initMedianMs: median(sorted),
        initMinMs: sorted[0]!,
        initMaxMs: sorted.at(-1)!,
        initCpuMedianMs: median(cpu),
        runs,
        loadAverage: loadavg()[0]!,
      };
    });
    for (const row of rows) {
      const met = row.initialBytes <= COLD_START_TARGETS.initialBytes && row.initMedianMs <= COLD_START_TARGETS.initMs;
      log(`  ${row.function}: ${(row.initialBytes / 1000).toFixed(0)} KB at init (${(row.totalBytes / 1000).toFixed(0)} KB in all), init ${row.initMedianMs.toFixed(1)} ms, ${met ? 'within' : 'OVER'} target`);
    }
    return rows;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
