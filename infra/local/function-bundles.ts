import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFunctions } from '../build.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Everything a bundle is made from: sources, the build script, and the installed dependencies. */
const INPUTS = ['functions', 'lib', 'console', 'infra/build.ts', 'infra/build-console.ts', 'infra/console-channel-fields.ts', 'package.json', 'tsconfig.json', 'node_modules/.package-lock.json'];
const KEEP = 4;
const STALE_LOCK_MS = 120_000;
/** A running stack marks its build as used this often; builds unused for longer than UNUSED_MS may go. */
const IN_USE_REFRESH_MS = 60_000;
const UNUSED_MS = 5 * 60_000;

export interface FunctionBundles {
  /** Laid out as `npm run build` lays out dist/: `<dir>/functions/<name>/handler.mjs`. */
  dir: string;
  /** False when an earlier build of the same sources was reused. */
  built: boolean;
  milliseconds: number;
}

/**
 * The bundles `npm run package` deploys (built by infra/build.ts), cached by a
 * hash of their inputs so that a restart with unchanged sources skips esbuild.
 * Safe when several stacks start at once (test files in parallel): one builds
 * into a private directory and renames it into place, the others wait for it.
 */
export async function functionBundles(cacheDir = join(PROJECT_ROOT, 'node_modules/.cache/tidings-functions')): Promise<FunctionBundles> {
  const started = performance.now();
  const key = inputsHash();
  const dir = join(cacheDir, key);
  const done = (built: boolean): FunctionBundles => {
    // Marks it as recently used, so pruning keeps it.
    utimesSync(dir, new Date(), new Date());
    return { dir, built, milliseconds: performance.now() - started };
  };
  mkdirSync(cacheDir, { recursive: true });
  if (existsSync(dir)) return done(false);

  const lock = `${dir}.lock`;
  while (!tryLock(lock)) {
    if (existsSync(dir)) return done(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    if (existsSync(dir)) return done(false);
    if (process.cwd() !== PROJECT_ROOT.replace(/\/$/, '')) {
      throw new Error(`the local stack builds its functions from the project root; run it from ${PROJECT_ROOT}`);
    }
    const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await buildFunctions(staging);
      renameSync(staging, dir);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    rmSync(lock, { force: true });
  }
  prune(cacheDir);
  return done(true);
}

/**
 * Keeps a build from being pruned while a stack runs from it: sandboxes start
 * later (and load lazy chunks) from its files. Returns the release.
 */
export function holdBundles(dir: string): () => void {
  const timer = setInterval(() => {
    try {
      utimesSync(dir, new Date(), new Date());
    } catch {
      // Gone already: nothing to hold.
    }
  }, IN_USE_REFRESH_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** sha256 over the path and content of every input file. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    const absolute = join(PROJECT_ROOT, path);
    if (!existsSync(absolute)) return;
    if (statSync(absolute).isDirectory()) {
      for (const entry of readdirSync(absolute).sort()) visit(join(path, entry));
      return;
    }
    hash.update(relative(PROJECT_ROOT, absolute)).update('\0').update(readFileSync(absolute)).update('\0');
  };
  for (const input of INPUTS) visit(input);
  return hash.digest('hex').slice(0, 16);
}

/** Takes the build lock, or breaks one left by a build that died. */
function tryLock(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      const holder = Number(readFileSync(lock, 'utf8'));
      if (!isAlive(holder) || Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
    } catch {
      // Released meanwhile: the next attempt takes it.
    }
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Keeps the most recently used builds, and any a running stack still holds (see holdBundles). */
function prune(cacheDir: string): void {
  const entries = readdirSync(cacheDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, path: join(cacheDir, entry.name), used: statSync(join(cacheDir, entry.name)).mtimeMs }));
  const builds = entries.filter((entry) => /^[0-9a-f]{16}$/.test(entry.name)).sort((a, b) => b.used - a.used);
  // Staging directories of builds that were killed half-way.
  const abandoned = entries.filter((entry) => entry.name.includes('.tmp-') && Date.now() - entry.used > STALE_LOCK_MS);
  const unused = builds.slice(KEEP).filter((entry) => Date.now() - entry.used > UNUSED_MS);
  for (const { path } of [...unused, ...abandoned]) rmSync(path, { recursive: true, force: true });
}
