import type { EvaluationPhase } from './evaluation.js';
/** Renders the figures as markdown tables, each saying how it was measured. */
import { cpus } from 'node:os';
import { CPU_CATEGORY_LABELS, type CpuCategory } from './cpu.js';
import type { AlertmanagerComparison, SystemRun } from './alertmanager.js';
import { COLD_START_TARGETS, type ColdStartRow } from './cold-start.js';
import type { LatencyRow } from './latency.js';
import { PRICES } from './prices.js';
import type { RequestCountResult } from './request-counts.js';
import type { StartTimeResult } from './start-time.js';
import type { FilterRow, RoutingRow, TenantRoutingRow } from './scale.js';
import { FILTER_DESCRIPTION, ROUTING_DESCRIPTION, TENANT_ROUTING_DESCRIPTION } from './scale.js';
import type { ThroughputRow } from './throughput.js';

export interface BenchResults {
  startedAt: string;
  machine: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  durationSeconds: number;
  throughput?: ThroughputRow[];
  requestCounts?: RequestCountResult;
  coldStart?: ColdStartRow[];
  startTime?: StartTimeResult;
  routing?: RoutingRow[];
  tenantRouting?: TenantRoutingRow[];
  filter?: FilterRow[];
  latency?: LatencyRow[];
  alertmanager?: AlertmanagerComparison;
  evaluation?: EvaluationPhase[];
}

const n = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const table = (header: string[], rows: Array<Array<string | number>>) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

function throughputSection(rows: ThroughputRow[]): string {
  const categories = Object.keys(CPU_CATEGORY_LABELS) as CpuCategory[];
  return [
    '## 1. Throughput end to end (local stack)',
    '',
    'Ingest POST -> webhook received by a local HTTP receiver, 4 POSTs in flight. Each batch size has its own account with one webhook receiver grouping by every label (`...`), group_wait 0s, group_interval 1s: every alert is its own group, so exactly one notification per alert (the worst case for aggregate and deliver). Alerts/s = alerts / (first POST -> last new alert fingerprint at the receiver). A warm-up run comes first.',
    '',
    table(
      ['alerts per POST', 'POSTs', 'alerts', 'notifications', 'end to end alerts/s', 'ingest only alerts/s', 'seconds'],
      rows.map((row) => [row.alertsPerPost, row.posts, n(row.alerts), n(row.notifications), n(row.alertsPerSecond, 1), n(row.ingestAlertsPerSecond), n(row.seconds, 1)]),
    ),
    '',
    'CPU milliseconds per alert during the same runs. The handlers, fauxqs, the local Lambda/API Gateway emulation and the load generator share one Node process with interleaved async work, so CPU deltas around an invocation would count the others too. Instead V8\'s sampling profiler (1 ms) records the stack and each sample is charged to the code it was executing: a stack with a fauxqs/fastify frame is the SQS stand-in (it never calls tidings); otherwise the innermost project frame decides (an SDK call from lib/ is "AWS SDK"). Samples with no project frame (socket reads, the HTTP parser, timers) are "unattributed": they bound either side. The whole process (all threads, process.cpuUsage) and DynamoDB Local (its java process, /proc/<pid>/stat, idle rate subtracted) are measured independently.',
    '',
    table(
      ['alerts per POST', ...categories, 'whole Node process', 'DynamoDB Local (java)'],
      rows.map((row) => [row.alertsPerPost, ...categories.map((category) => n(row.cpuMsPerAlert[category], 2)), n(row.processCpuMsPerAlert, 2), n(row.dynamodbCpuMsPerAlert, 2)]),
    ),
    '',
    ...categories.map((category) => `- ${category}: ${CPU_CATEGORY_LABELS[category]}`),
  ].join('\n');
}

function requestCountSection(result: RequestCountResult): string {
  const t = result.totalsPerAlert;
  const c = result.costPerMillionAlerts;
  return [
    '## 2. AWS requests per alert and cost per million alerts',
    '',
    `${n(result.alerts)} alerts in ${result.groups} groups (alertname), ${result.posts} POSTs of ${result.alerts / result.posts} (each group in two halves), ${result.receivers} global webhook receivers grouping by alertname with group_wait 30s (Alertmanager's default) and group_interval 1m (5m by default; shorter so that a group whose second half arrives after its first notification is completed within the run). The "2 tenants" are two namespaces the groups alternate between; all 10 receivers are global (this figure was designed before tenants existed and does not exercise tenant receivers yet). Measured until every receiver had every group (${n(result.seconds, 1)} s, including the 30 s group_wait) and the pipeline was quiet. Result: ${n(result.notifications)} notifications carrying ${n(result.alertsDelivered)} (receiver, alert) pairs.`,
    '',
    'Counted by a middleware on the SDK clients the handlers use (`dynamoDocumentClient()`, `sqs()`) and on the local event source mapping\'s client (receives and deletes, which Lambda\'s pollers also make and AWS bills). SQS requests are counted as billed (each 64 KB of payload is a request); empty receives (idle polling, a cost per hour not per alert) are left out: ' + `${n(result.emptyReceives)} during this run, with the local poller's 20 s long polls. DynamoDB capacity is what DynamoDB Local reports for ReturnConsumedCapacity TOTAL (table + indexes), with AWS's minimums added (0.5 RRU per read that finds nothing, 1 WRU per failed conditional write). Lambda invocations come from onInvocation, ingest requests from the load generator.`,
    '',
    table(
      ['per alert', 'value'],
      [
        ['SQS requests (billed)', n(t.sqsRequests, 3)],
        ['DynamoDB read request units', n(t.dynamodbReadUnits, 3)],
        ['DynamoDB write request units', n(t.dynamodbWriteUnits, 3)],
        ['Lambda invocations (all functions)', n(t.lambdaInvocations, 3)],
        ['HTTP API requests', n(t.httpRequests, 3)],
        ...Object.entries(result.perAlert)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, value]) => [`&nbsp;&nbsp;${name}`, n(value, 4)]),
      ],
    ),
    '',
    table(
      ['function', 'invocations', 'records', 'mean duration ms', 'billed GB-s (512 MB)'],
      Object.entries(result.lambda).map(([name, entry]) => [name, n(entry.invocations), n(entry.records), n(entry.meanDurationMs, 1), n(entry.billedGbSeconds, 2)]),
    ),
    '',
    'CPU milliseconds per alert over the same run (from the first POST until the pipeline was quiet), by function. The handlers run in the bench process, so V8\'s sampling profiler (1 ms) charges each sample of tidings\' code or the AWS SDK to a function: directly when the stack holds that function\'s own code (functions/<name>/, or lib/ingest, filter, route, aggregate, notify), otherwise by time, split evenly among the invocations in flight then (ingest spans are the client\'s requests). The SDK share includes the local event source mapping\'s receives and deletes, so these are upper bounds. The other categories are not charged to functions; the whole process (process.cpuUsage) and DynamoDB Local (its JVM, /proc, idle included) are measured apart.',
    '',
    table(
      ['function', 'CPU ms per alert', 'of which direct', 'by time'],
      [
        ...Object.entries(result.cpuMsPerAlert.functions)
          .sort(([, a], [, b]) => b.direct + b.byTime - (a.direct + a.byTime))
          .map(([name, { direct, byTime }]) => [name, n(direct + byTime, 3), n(direct, 3), n(byTime, 3)]),
        ['tidings/SDK code outside any invocation', n(result.cpuMsPerAlert.outsideInvocations, 3), '', ''],
        ...Object.entries(result.cpuMsPerAlert.other).map(([category, ms]) => [category, n(ms, 3), '', '']),
        ['**whole Node process**', `**${n(result.cpuMsPerAlert.wholeProcess, 3)}**`, '', ''],
        ['DynamoDB Local (java)', n(result.cpuMsPerAlert.dynamodbLocal, 3), '', ''],
      ],
    ),
    '',
    'Durations: SQS-triggered functions are timed around the handler call (wall clock, as Lambda bills it, rounded up to 1 ms); ingest by the client (it also includes the local gateway and loopback HTTP). Treat the duration cost as an upper bound: locally every concurrent invocation, fauxqs and the load generator share one event loop on 2 cores (DynamoDB Local takes the rest), so an invocation\'s wall time includes waiting for the others, which a Lambda sandbox (one invocation at a time) does not.',
    '',
    table(
      ['cost per million alerts (USD)', 'value'],
      [
        ['SQS', n(c.sqs, 2)],
        ['Lambda requests', n(c.lambdaRequests, 2)],
        ['Lambda duration (arm64, 512 MB)', n(c.lambdaDuration, 2)],
        ['DynamoDB on-demand', n(c.dynamodb, 2)],
        ['API Gateway HTTP API', n(c.apiGateway, 2)],
        ['**total**', `**${n(c.total, 2)}**`],
      ],
    ),
    '',
    `Prices: ${PRICES.region}, list prices checked ${PRICES.checked}, no free tier; not included: CloudWatch Logs, DynamoDB storage, data transfer. Sources:`,
    ...PRICES.sources.map((source) => `- ${source}`),
  ].join('\n');
}

function coldStartSection(rows: ColdStartRow[]): string {
  return [
    '## 3. Cold start: bundle size and module init',
    '',
    `\`buildFunctions()\` (infra/build.ts: esbuild, minified, tree-shaken, AWS SDK bundled, ESM split into chunks) into a temporary directory. "At init" is the minified JavaScript the handler's import loads (the entry and the chunk it imports statically); "in all" adds the chunks loaded on first need (channel SDKs, nodemailer, KMS, rarely used credential providers, RE2, croner, the SQS client in deliver and api, Handlebars and the rule compiler in api). Init = \`await import(bundle)\` timed inside a fresh \`node --input-type=module\` process (${process.version}; Lambda runs nodejs22.x), median of ${rows[0]?.runs ?? 0} processes, with the functions' environment variables set; init CPU is the same import's user + system CPU time, steadier than wall time when other work shares the cores (1-minute load average at the end: ${n(rows[0]?.loadAverage ?? 0, 1)} on ${cpus().length} cores). Lambda adds runtime start and code download on top. Targets: at most ${COLD_START_TARGETS.initialBytes / 1000} KB at init and ${COLD_START_TARGETS.initMs} ms of init.`,
    '',
    table(
      ['function', 'KB at init', 'KB in all', 'init ms (median)', 'min', 'max', 'init CPU ms (median)', 'targets'],
      rows.map((row) => [
        row.function,
        n(row.initialBytes / 1000, 0),
        n(row.totalBytes / 1000, 0),
        n(row.initMedianMs, 1),
        n(row.initMinMs, 1),
        n(row.initMaxMs, 1),
        row.initCpuMedianMs === undefined ? '' : n(row.initCpuMedianMs, 1),
        [row.initialBytes > COLD_START_TARGETS.initialBytes ? 'size over' : '', row.initMedianMs > COLD_START_TARGETS.initMs ? 'init over' : ''].filter(Boolean).join(', ') || 'met',
      ]),
    ),
  ].join('\n');
}

function startTimeSection(result: StartTimeResult): string {
  const runs = [{ name: 'first start (empty bundle cache)', run: result.firstStart }, ...result.restarts.map((run, i) => ({ name: `restart ${i + 1}`, run }))];
  return [
    '## 6. `npm start`: time to ready',
    '',
    `What \`npm start\` runs (\`tsx infra/local/start.ts --in-memory\`, free ports), timed from the spawn to its "tidings is running" line (npm's own start, about 0.3 s, not included), then stopped with a Ctrl-C before the next run. "Printed" is what that line says (from node's start). The first run has an empty bundle cache (esbuild builds all six functions while DynamoDB Local starts); restarts reuse the build. Median restart: ${n(result.medianRestartWallSeconds, 2)} s (target: at most 5 s).`,
    '',
    table(
      ['run', 'seconds to ready', 'printed', 'bundles'],
      runs.map(({ name, run }) => [name, n(run.wallSeconds, 2), n(run.printedSeconds, 1), run.bundlesBuilt ? 'built' : 'reused']),
    ),
  ].join('\n');
}

function scaleSection(routing: RoutingRow[], filter: FilterRow[], tenantRouting: TenantRoutingRow[] = []): string {
  return [
    '## 4. Scale',
    '',
    `Routing across tenants: ${TENANT_ROUTING_DESCRIPTION}. Time per batch (after a warm-up batch, repeated for at least 0.5 s) divided by its alerts.`,
    '',
    table(
      ['receivers', 'tenants', 'µs per alert', 'iterations'],
      tenantRouting.map((row) => [n(row.receivers), n(row.tenants), n(row.usPerAlert, 1), row.iterations]),
    ),
    '',
    'Routing to global receivers (every alert goes to every global receiver, so this grows with their number by design):',
    '',
    `Routing: ${ROUTING_DESCRIPTION}. Time per call (after one warm-up call, repeated for at least 0.5 s) divided by the alerts in the batch.`,
    '',
    table(
      ['receivers', 'alerts per batch', 'µs per alert', 'ns per (alert, receiver)', 'iterations'],
      routing.map((row) => [n(row.receivers), row.alertsPerBatch, n(row.usPerAlert, 1), n(row.nsPerAlertReceiver, 0), row.iterations]),
    ),
    '',
    `Filter: ${FILTER_DESCRIPTION}. Repeated for at least 1 s after a warm-up pass.`,
    '',
    table(
      ['enabled rules', 'events/s', 'rules tested per event', 'alerts per event', 'compile ms', 'distinct events'],
      filter.map((row) => [n(row.rules), n(row.eventsPerSecond), n(row.rulesTestedPerEvent, 1), n(row.alertsPerEvent, 2), n(row.compileMs), row.events]),
    ),
  ].join('\n');
}

function latencySection(rows: LatencyRow[]): string {
  return [
    '## 5. Ingest latency',
    '',
    'One request at a time over HTTP to the local stack\'s ingest URL (so it includes the local API Gateway emulation and loopback HTTP), after 5 warm-up requests; the account has no receivers so the rest of the pipeline stays nearly idle. Nearest-rank percentiles.',
    '',
    table(
      ['alerts per request', 'request KiB', 'requests', 'p50 ms', 'p99 ms', 'mean ms'],
      rows.map((row) => [n(row.alertsPerPost), n(row.requestBytes / 1024, 1), row.requests, n(row.p50Ms, 1), n(row.p99Ms, 1), n(row.meanMs, 1)]),
    ),
  ].join('\n');
}

/** DynamoDB Local's JVM apart from the rest of the stack's tree (the Node process: workers, SDK, fauxqs, emulation). */
const jvmUs = (run: SystemRun) => ((run.cpuByProcess.java ?? 0) * 1000) / run.alerts;

function alertmanagerSection(result: AlertmanagerComparison): string {
  const heading = '## 7. Side by side with Alertmanager: the same stream';
  if (result.skipped !== undefined || result.alertmanager === undefined || result.tidings === undefined) {
    return [heading, '', `Not run: ${result.skipped ?? 'incomplete'}.`].join('\n');
  }
  const am = result.alertmanager;
  const td = result.tidings;
  const nodeUs = td.cpuUsPerAlert - jvmUs(td);
  const seconds = (run: SystemRun) => (run.secondsToLastDelivery === undefined ? `not all within ${n(run.windowSeconds, 0)} s` : n(run.secondsToLastDelivery, 1));
  const reasons = (run: SystemRun) =>
    Object.entries(run.reasons)
      .map(([reason, count]) => `${reason}: ${count}`)
      .join(', ');
  const t = result.timing;
  return [
    heading,
    '',
    `${n(result.posts * result.alertsPerPost)} alerts, ${result.posts} alertnames, POST k carrying the ${result.alertsPerPost} alerts of alertname k (a group arrives whole), ${result.concurrentPosts} POST in flight, to \`POST /api/v2/alerts\` of each (tidings: \`/ingest/<cluster>/api/v2/alerts\`), startsAt = when the POST was sent, no endsAt. Each has one webhook receiver grouping by alertname with group_wait ${t.groupWait}, group_interval ${t.groupInterval}, repeat_interval ${t.repeatInterval} (Alertmanager's defaults are 30s/5m/4h; short and equal here), delivering to a loopback HTTP receiver in the bench process. Alertmanager ${am.version} (${result.alertmanagerBinary}, ${result.alertmanagerSource}) runs with a temporary storage dir and no cluster listener; the local stack runs in a process of its own (bench/stack-process.ts, serverless.yml's deployed batching windows, functions ${td.version.replace('local stack, ', '')}). Ten warm-up groups first for each, posted the same way (unmeasured: connections, JIT and the function sandboxes the stream uses are warm, as in a deployment under load; cold starts are figure 3's). CPU = utime + stime (+ reaped children) of each system's whole process tree from /proc, from the first POST until no notification came for group_interval + 1 s, idle work included (idle rates measured for 3 s before the stream are shown). The load generator and receiver are the bench's own process and counted for neither.`,
    '',
    table(
      ['', 'Alertmanager', 'tidings', 'tidings / Alertmanager', 'target'],
      [
        ['first POST -> last alert delivered (s)', seconds(am), seconds(td), am.secondsToLastDelivery && td.secondsToLastDelivery ? `${n(td.secondsToLastDelivery / am.secondsToLastDelivery, 1)}x` : '', 'tidings ≤ 20 s'],
        ['POSTs answered after (s)', n(am.postSeconds, 1), n(td.postSeconds, 1), `${n(td.postSeconds / am.postSeconds, 1)}x`, ''],
        ['alerts delivered (distinct)', n(am.alertsDelivered), n(td.alertsDelivered), '', `all ${n(am.alerts)}`],
        ['notifications', n(am.notifications), n(td.notifications), `${n(td.notifications / Math.max(1, am.notifications), 2)}x`, 'as many as Alertmanager'],
        ['most notifications for one group', n(am.maxNotificationsPerGroup), n(td.maxNotificationsPerGroup), '', ''],
        ['alert copies received (re-sent: copies - distinct)', `${n(am.alertCopies)} (${n(am.alertCopies - am.alertsDelivered)})`, `${n(td.alertCopies)} (${n(td.alertCopies - td.alertsDelivered)})`, '', ''],
        ['CPU µs per alert, whole tree', n(am.cpuUsPerAlert), n(td.cpuUsPerAlert), `${n(td.cpuUsPerAlert / am.cpuUsPerAlert, 1)}x`, ''],
        ['&nbsp;&nbsp;Node process tree (workers, SDK, fauxqs, emulation)', '', n(nodeUs), `${n(nodeUs / am.cpuUsPerAlert, 1)}x`, '≤ 10x'],
        ['&nbsp;&nbsp;DynamoDB Local (java)', '', n(jvmUs(td)), '', ''],
        ['CPU seconds over the window (window s)', `${n(am.cpuMs / 1000, 2)} (${n(am.windowSeconds, 1)})`, `${n(td.cpuMs / 1000, 2)} (${n(td.windowSeconds, 1)})`, '', ''],
        ['idle CPU, ms per second', n(am.idleCpuMsPerSecond, 1), n(td.idleCpuMsPerSecond, 1), '', ''],
        ['failed POSTs', n(am.failedPosts), n(td.failedPosts), '', '0'],
      ],
    ),
    '',
    `Notification reasons: Alertmanager ${reasons(am) || 'none'}; tidings ${reasons(td) || 'none'}. CPU by process name: Alertmanager ${Object.entries(am.cpuByProcess).map(([name, ms]) => `${name} ${n(ms)} ms`).join(', ')}; tidings ${Object.entries(td.cpuByProcess).map(([name, ms]) => `${name} ${n(ms)} ms`).join(', ')}.`,
  ].join('\n');
}

export function renderMarkdown(results: BenchResults): string {
  return [
    '# tidings benchmarks',
    '',
    `\`npm run bench\`, ${results.startedAt}, ${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}, ${n(results.durationSeconds)} s in all, 1-minute load average ${n(results.machine.loadAverageAtStart, 1)} at start and ${n(results.machine.loadAverageAtEnd, 1)} at the end (other work on the machine skews the figures). Local stack: DynamoDB Local (java) and fauxqs in memory on 127.0.0.1, handlers in the bench process (isolation \`none\`, so the figures can count their SDK calls and profile them; \`npm start\` runs each function's bundle in worker threads).`,
    '',
    results.throughput === undefined ? '' : throughputSection(results.throughput),
    '',
    results.requestCounts === undefined ? '' : requestCountSection(results.requestCounts),
    '',
    results.coldStart === undefined ? '' : coldStartSection(results.coldStart),
    '',
    results.startTime === undefined ? '' : startTimeSection(results.startTime),
    '',
    results.routing === undefined || results.filter === undefined ? '' : scaleSection(results.routing, results.filter, results.tenantRouting),
    '',
    results.latency === undefined ? '' : latencySection(results.latency),
    '',
    results.alertmanager === undefined ? '' : alertmanagerSection(results.alertmanager),
    '',
    results.evaluation === undefined ? '' : evaluationSection(results.evaluation),
    '',
  ].join('\n');
}

function evaluationSection(phases: EvaluationPhase[]): string {
  return [
    '## 8. Central evaluation (state on DynamoDB Local)',
    '',
    "1,000 rules over 100 clusters (a cluster group of 10 rules each, `for: 5m`; every query answers the 2 of 5 series above its threshold). Queries answer from memory and queue sends are counted in process; the evaluation state goes through the evaluate function's DynamoRuleStateStore to DynamoDB Local, and its requests and request units are counted as the pipeline figures count them: one strongly consistent Query per cluster and slot (every group's state of the cluster), one conditional PutItem per group whose state changed. Sends are SQS SendMessageBatch calls (one per group with alerts to send). Real evaluations add the query round trips.",
    '',
    table(
      ['slot', 'rules', 'ms', 'rules/s', 'state queries', 'RRU', 'state writes', 'WRU', 'queue sends', 'alerts queued'],
      phases.map((p) => [p.phase, n(p.rules), n(p.ms), n(p.rulesPerSecond), n(p.stateReads), n(p.stateReadUnits ?? 0), n(p.stateWrites), n(p.stateWriteUnits ?? 0), n(p.queueSends), n(p.alertsQueued)]),
    ),
  ].join('\n');
}
