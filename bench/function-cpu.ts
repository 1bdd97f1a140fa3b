/**
 * CPU per function when every handler runs in the bench's own process
 * (isolation `none`). V8's sampling profiler charges each 1 ms sample to
 * code (bench/cpu.ts's categories); a sample of tidings' code or of the AWS
 * SDK is then charged to a function:
 * - directly, when its stack holds a frame of that function's own code
 *   (functions/<name>/, or the lib/ folder only that function uses);
 * - otherwise by time, split evenly among the invocations in flight at that
 *   moment (after an `await` the stack no longer shows who called: shared
 *   lib/ code, middy, zod, the SDK's middleware).
 * The SDK samples include the local event source mapping's own receives and
 * deletes (Lambda's pollers, not the function, make those in AWS), so the
 * figures are an upper bound for the functions.
 */
import { Session, type Profiler } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { makeCategorizer, type CpuCategory } from './cpu.js';

/** One invocation's wall-clock span, in performance.now() milliseconds. */
export interface InvocationSpan {
  functionName: string;
  start: number;
  end: number;
}

export interface FunctionCpu {
  /** Milliseconds per function: `direct` from its own frames, `byTime` from the invocations in flight. */
  functions: Record<string, { direct: number; byTime: number }>;
  /** Milliseconds of tidings or SDK code while no invocation was in flight (startup work, idle polling). */
  outsideInvocations: number;
  /** Milliseconds of the other categories (stand-in, emulation, harness, GC, unattributed), never charged to a function. */
  other: Record<Exclude<CpuCategory, 'tidings' | 'aws-sdk'>, number>;
}

const PROJECT_ROOT = new URL('../', import.meta.url).pathname;
/** lib/ folders that one function alone imports; shared folders are charged by time. */
const LIB_OWNER: Record<string, string> = { ingest: 'ingest', filter: 'filter', route: 'route', aggregate: 'aggregate', notify: 'deliver' };

function ownerOf(url: string): string | undefined {
  const path = url.replace(/^file:\/\//, '');
  if (!path.startsWith(PROJECT_ROOT)) return undefined;
  const match = /^(functions|lib)\/([^/]+)\//.exec(path.slice(PROJECT_ROOT.length));
  if (match === null) return undefined;
  if (match[1] === 'functions') return match[2] === 'shared' ? undefined : match[2];
  return LIB_OWNER[match[2]!];
}

/** Starts the profiler; `stop(spans)` charges the samples to functions. */
export async function startFunctionCpuProfile(): Promise<{ stop(spans: readonly InvocationSpan[]): Promise<FunctionCpu> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  // The profile's clock (µs) is V8's own; this pins its start to performance.now() (within a millisecond or so).
  const startedAt = performance.now();
  return {
    async stop(spans) {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      session.disconnect();
      return chargeSamples(profile, startedAt, spans);
    },
  };
}

function chargeSamples(profile: Profiler.Profile, startedAt: number, spans: readonly InvocationSpan[]): FunctionCpu {
  const categorize = makeCategorizer();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Per profile node: its category (or idle) and the function its own frames name, if any.
  const resolved = new Map<number, { category: CpuCategory | 'idle'; owner: string | undefined }>();
  const resolve = (id: number) => {
    let entry = resolved.get(id);
    if (entry !== undefined) return entry;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(idle)') entry = { category: 'idle', owner: undefined };
    else if (name === '(garbage collector)') entry = { category: 'gc', owner: undefined };
    else {
      const urls: string[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) urls.push(byId.get(at)!.callFrame.url);
      entry = { category: categorize(urls) ?? 'unattributed', owner: urls.map(ownerOf).find((owner) => owner !== undefined) };
    }
    resolved.set(id, entry);
    return entry;
  };

  const result: FunctionCpu = {
    functions: {},
    outsideInvocations: 0,
    other: { 'sqs-stand-in': 0, 'local-emulation': 0, harness: 0, gc: 0, unattributed: 0 },
  };
  const charge = (functionName: string, kind: 'direct' | 'byTime', ms: number) => {
    const entry = (result.functions[functionName] ??= { direct: 0, byTime: 0 });
    entry[kind] += ms;
  };
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  let nextSpan = 0;
  let inFlight: InvocationSpan[] = [];
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let clock = profile.startTime;
  samples.forEach((id, index) => {
    clock += deltas[index] ?? 0;
    // timeDeltas[i + 1] is how long sample i's stack was current.
    const ms = (deltas[index + 1] ?? 1000) / 1000;
    const { category, owner } = resolve(id);
    if (category === 'idle') return;
    if (category !== 'tidings' && category !== 'aws-sdk') {
      result.other[category] += ms;
      return;
    }
    if (owner !== undefined) {
      charge(owner, 'direct', ms);
      return;
    }
    const at = startedAt + (clock - profile.startTime) / 1000;
    while (nextSpan < ordered.length && ordered[nextSpan]!.start <= at) inFlight.push(ordered[nextSpan++]!);
    inFlight = inFlight.filter((span) => span.end >= at);
    if (inFlight.length === 0) {
      result.outsideInvocations += ms;
      return;
    }
    for (const span of inFlight) charge(span.functionName, 'byTime', ms / inFlight.length);
  });
  return result;
}
