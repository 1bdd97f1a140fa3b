/**
 * Figure 6: how long `npm start` takes to be ready. Each run spawns what
 * `npm start` runs (`tsx infra/local/start.ts`, in memory, free ports) and
 * times it from the spawn to its "tidings is running" line; the figure that
 * line prints (from node's own start) is kept too. The first run has an
 * empty bundle cache, so esbuild builds every function; the others are
 * restarts that reuse the build, as after an edit-free restart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../infra/local/ports.js';

export interface StartRun {
  /** Spawn to the ready line, as someone waiting on `npm start` sees it (npm's own ~0.3 s not included). */
  wallSeconds: number;
  /** What `npm start` printed ("started in X s"). */
  printedSeconds: number;
  bundlesBuilt: boolean;
}

export interface StartTimeResult {
  firstStart: StartRun;
  restarts: StartRun[];
  medianRestartWallSeconds: number;
}

const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

export async function measureStartTime(restarts: number, log: (line: string) => void): Promise<StartTimeResult> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tidings-bench-bundles-'));
  try {
    const firstStart = await startOnce(cacheDir);
    log(`  first start (bundles built): ${firstStart.wallSeconds.toFixed(2)} s (printed ${firstStart.printedSeconds} s)`);
    const runs: StartRun[] = [];
    for (let i = 0; i < restarts; i++) {
      runs.push(await startOnce(cacheDir));
      log(`  restart ${i + 1}: ${runs.at(-1)!.wallSeconds.toFixed(2)} s (printed ${runs.at(-1)!.printedSeconds} s)`);
    }
    const sorted = runs.map((run) => run.wallSeconds).sort((a, b) => a - b);
    return { firstStart, restarts: runs, medianRestartWallSeconds: sorted[Math.floor(sorted.length / 2)]! };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** One `npm start` until ready, then a terminal's Ctrl-C, waiting for it to exit so runs never overlap. */
async function startOnce(cacheDir: string): Promise<StartRun> {
  const ports = [await freePort(), await freePort(), await freePort()].map(String);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [TSX_CLI, 'infra/local/start.ts', '--in-memory', '--port', ports[0]!, '--dynamodb-port', ports[1]!, '--sqs-port', ports[2]!],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIDINGS_BUNDLE_CACHE_DIR: cacheDir } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        const match = /tidings is running \(started in [^\n]*/.exec(output);
        if (match !== null) resolve(match[0]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
      child.once('exit', () => reject(new Error(`npm start exited before it was ready:\n${output}`)));
    });
    const wallSeconds = (performance.now() - started) / 1000;
    return {
      wallSeconds,
      printedSeconds: Number(/started in ([\d.]+) s/.exec(line)![1]),
      bundlesBuilt: line.includes('built in'),
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}
