/**
 * Where CPU time goes. The handlers, the SQS stand-in (fauxqs), the local
 * Lambda/API Gateway emulation and the load generator all share this Node
 * process, and their async work interleaves, so cpuUsage() deltas around an
 * invocation would also count whatever else ran meanwhile. Instead V8's
 * sampling profiler records the stack every millisecond and each sample is
 * charged to the code it was executing (see `categorize`). DynamoDB Local is
 * a separate Java process, read from /proc/<pid>/stat.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';
import { join } from 'node:path';

export type CpuCategory = 'tidings' | 'aws-sdk' | 'sqs-stand-in' | 'local-emulation' | 'harness' | 'gc' | 'unattributed';

export const CPU_CATEGORY_LABELS: Record<CpuCategory, string> = {
  tidings: "tidings' code (functions/, lib/ and the libraries they call: middy, zod, powertools, ...)",
  'aws-sdk': 'AWS SDK client (used by the handlers and by the local SQS pollers)',
  'sqs-stand-in': 'SQS stand-in (fauxqs and its HTTP server)',
  'local-emulation': 'local Lambda/API Gateway emulation (infra/local: pollers, HTTP gateway)',
  harness: 'load generator and webhook receiver (bench/, test/helpers/)',
  gc: 'garbage collector (any of the above)',
  unattributed: 'Node internals with no project frame on the stack (socket I/O, timers, async continuations)',
};

const PROJECT_ROOT = new URL('../', import.meta.url).pathname;
const SDK_PACKAGES = /^(@aws-sdk|@smithy|@aws-crypto)\//;

interface PackageJson {
  dependencies?: Record<string, string>;
}

/** Every package a package depends on, transitively, in the hoisted node_modules. */
function dependencyClosure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    try {
      const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as PackageJson;
      pending.push(...Object.keys(manifest.dependencies ?? {}));
    } catch {
      // Nested or optional dependency: its frames fall back to the category of their caller.
    }
  }
  return seen;
}

function packageOf(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match?.[1];
}

/** Sorts profile samples into categories by the frames on their stack. */
export function makeCategorizer(): (stack: readonly string[]) => CpuCategory | undefined {
  const own = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;
  const tidingsPackages = dependencyClosure(Object.keys(own.dependencies ?? {}));
  // Packages only the SQS stand-in uses (fastify and friends); shared ones stay with tidings.
  const standInPackages = new Set([...dependencyClosure(['fauxqs'])].filter((name) => !tidingsPackages.has(name) && !SDK_PACKAGES.test(`${name}/`)));

  const classify = (url: string): CpuCategory | undefined => {
    if (url === '' || url.startsWith('node:')) return undefined;
    const pkg = packageOf(url);
    if (pkg !== undefined) {
      if (standInPackages.has(pkg)) return 'sqs-stand-in';
      if (SDK_PACKAGES.test(`${pkg}/`)) return 'aws-sdk';
      if (tidingsPackages.has(pkg)) return 'tidings';
      return undefined;
    }
    const path = url.replace(/^file:\/\//, '');
    if (!path.startsWith(PROJECT_ROOT)) return undefined;
    const relative = path.slice(PROJECT_ROOT.length);
    if (relative.startsWith('functions/') || relative.startsWith('lib/')) return 'tidings';
    if (relative.startsWith('infra/local/')) return 'local-emulation';
    if (relative.startsWith('bench/') || relative.startsWith('test/')) return 'harness';
    return undefined;
  };

  // A stand-in frame anywhere means the stand-in is serving a request (it never calls into tidings);
  // otherwise the innermost project frame owns the sample (an SDK call made by lib/ counts as SDK).
  return (stack) => {
    const categories = stack.map(classify);
    if (categories.includes('sqs-stand-in')) return 'sqs-stand-in';
    return categories.find((category) => category !== undefined);
  };
}

/** Starts V8's sampling profiler on this process; `stop()` returns milliseconds per category. */
export async function startCpuProfile(): Promise<{ stop(): Promise<Record<CpuCategory, number>> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      session.disconnect();
      return attribute(profile);
    },
  };
}

function attribute(profile: Profiler.Profile): Record<CpuCategory, number> {
  const categorize = makeCategorizer();
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map<number, CpuCategory | 'idle'>();
  const resolve = (id: number): CpuCategory | 'idle' => {
    const cached = categoryOf.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    let category: CpuCategory | 'idle';
    if (name === '(idle)') category = 'idle';
    else if (name === '(garbage collector)') category = 'gc';
    else {
      const stack: string[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame.url);
      category = categorize(stack) ?? 'unattributed';
    }
    categoryOf.set(id, category);
    return category;
  };
  const totals: Record<CpuCategory, number> = {
    tidings: 0,
    'aws-sdk': 0,
    'sqs-stand-in': 0,
    'local-emulation': 0,
    harness: 0,
    gc: 0,
    unattributed: 0,
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i + 1] is how long sample i's stack was current.
  samples.forEach((id, index) => {
    const category = resolve(id);
    if (category !== 'idle') totals[category] += (deltas[index + 1] ?? 1000) / 1000;
  });
  return totals;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** user + system CPU milliseconds of a process, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** The DynamoDB Local java process the stack started (a child of this process). */
export function findDynamoDbLocalPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('DynamoDBLocal.jar')) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** This process's CPU milliseconds (all threads: main, GC helpers, libuv pool, profiler). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
