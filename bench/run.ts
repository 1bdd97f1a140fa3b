/**
 * `npm run bench`: measures what users and operators pay for (issue 9) and
 * writes bench/results/latest.md and latest.json. Starts and stops its own
 * local stack (in memory, random ports, 127.0.0.1 only). A benchmark, not a
 * test: nothing here asserts on timings.
 *
 * `npm run bench -- --only cold-start` (or `scale`, `evaluation`, `start-time`, `pipeline`, `requests` (figure 2 alone), `alertmanager`) runs one part
 * and only prints its report: latest.md keeps whole runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// Before any SDK client exists: the SDK's notice that it will need Node 22 from 2027 (Lambda runs nodejs22.x).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// buildFunctions() and the stack resolve paths from the project root.
process.chdir(fileURLToPath(new URL('../', import.meta.url)));

const { renderMarkdown } = await import('./report.js');

type Results = import('./report.js').BenchResults;

const PARTS = ['scale', 'evaluation', 'cold-start', 'start-time', 'pipeline', 'requests', 'alertmanager'] as const;
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];
if (only !== undefined && !(PARTS as readonly string[]).includes(only)) {
  console.error(`--only takes one of ${PARTS.join(', ')}`);
  process.exit(2);
}
const runs = (part: (typeof PARTS)[number]) => only === undefined || only === part;

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => console.log(`[${elapsed()}] ${line}`);

const results: Results = {
  startedAt: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageAtStart: loadavg()[0]!, loadAverageAtEnd: 0 },
  durationSeconds: 0,
};

// The in-memory figures first, while nothing else runs on the 2 cores.
if (runs('scale')) {
  const { measureFilter, measureRouting, measureTenantRouting } = await import('./scale.js');
  log('4. scale: routing vs receivers');
  results.routing = measureRouting([10, 1_000, 100_000], log);
  log('4. scale: routing vs receivers across 10,000 tenants');
  results.tenantRouting = await measureTenantRouting([10, 1_000, 100_000], log);
  log('4. scale: filter vs rules');
  results.filter = measureFilter([10, 1_000, 10_000], log);
}
if (runs('evaluation')) {
  const { measureEvaluation } = await import('./evaluation.js');
  log('8. central evaluation: 1,000 rules over 100 clusters');
  results.evaluation = await measureEvaluation(log);
}
if (runs('cold-start')) {
  const { measureColdStart } = await import('./cold-start.js');
  log('3. cold start: building the functions and importing each bundle in fresh processes');
  results.coldStart = await measureColdStart(9, log);
}
if (runs('start-time')) {
  const { measureStartTime } = await import('./start-time.js');
  log('6. npm start: time to ready, first with an empty bundle cache, then restarts');
  results.startTime = await measureStartTime(5, log);
}
if (runs('pipeline') || only === 'requests') await measurePipeline(only === 'requests');

/** Figures 1, 2 and 5, on the local stack. */
async function measurePipeline(requestsOnly: boolean): Promise<void> {
  // Imported only for this part: the stack and its helpers are the heaviest modules here.
  const { measureLatency } = await import('./latency.js');
  const { startBenchPipeline } = await import('./pipeline.js');
  const { measureRequestCounts } = await import('./request-counts.js');
  const { measureThroughput } = await import('./throughput.js');
  log('starting the local stack (DynamoDB Local + fauxqs, in memory)');
  const pipeline = await startBenchPipeline();
  // Never leave DynamoDB Local running: stop the stack on Ctrl-C or kill, and survive a closed stdout (`| head`).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the local stack`);
      void pipeline.stop().finally(() => process.exit(130));
    });
}
process.stdout.on('error', () => undefined);
try {
  if (requestsOnly) {
    log('2. AWS requests per alert (10,000 alerts, 100 groups, 10 receivers)');
    results.requestCounts = await measureRequestCounts(pipeline, log);
    return;
  }
  log('1. throughput end to end');
  results.throughput = await measureThroughput(
    pipeline,
    [
      { alertsPerPost: 1, posts: 300 },
      { alertsPerPost: 100, posts: 10 },
      { alertsPerPost: 1_000, posts: 2 },
    ],
    log,
  );
  log('2. AWS requests per alert (10,000 alerts, 100 groups, 10 receivers)');
  results.requestCounts = await measureRequestCounts(pipeline, log);
  log('5. ingest latency');
  results.latency = await measureLatency(
    pipeline,
    [
      { alertsPerPost: 1, requests: 300 },
      { alertsPerPost: 100, requests: 200 },
      { alertsPerPost: 1_000, requests: 100 },
    ],
    log,
  );
} finally {
  log('stopping the local stack');
  await pipeline.stop();
}
}

// Last: it starts Alertmanager and a local stack of its own, each as separate processes, after the pipeline's stack is gone.
if (runs('alertmanager')) {
  const { measureAlertmanagerComparison } = await import('./alertmanager.js');
  log('7. side by side with Alertmanager: 10,000 alerts, 100 alertnames, 100 per POST');
  results.alertmanager = await measureAlertmanagerComparison(log);
}

results.durationSeconds = (performance.now() - started) / 1000;
results.machine.loadAverageAtEnd = loadavg()[0]!;
const markdown = renderMarkdown(results);
console.log(`\n${markdown}`);
if (only === undefined) {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.md', markdown);
  writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
  log('wrote bench/results/latest.md and bench/results/latest.json');
}
