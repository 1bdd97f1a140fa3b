/**
 * Figure 5: ingest latency per request size, one request at a time over HTTP
 * against the local stack's ingest URL (so it includes the local API Gateway
 * emulation and loopback HTTP). The account has no receivers, so the rest of
 * the pipeline does almost nothing meanwhile and the figure is ingest's own.
 */
import { postAlerts, webhookAlert, type BenchPipeline } from './pipeline.js';

export interface LatencyRow {
  alertsPerPost: number;
  requests: number;
  requestBytes: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Nearest-rank percentile. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function measureLatency(
  pipeline: BenchPipeline,
  sizes: ReadonlyArray<{ alertsPerPost: number; requests: number }>,
  log: (line: string) => void,
): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const { alertsPerPost, requests } of sizes) {
    // A cluster per size keeps each well inside the per-cluster ingest rate limit (1,200 requests a minute by default).
    const cluster = await pipeline.admin.createCluster('latency', `latency-${alertsPerPost}`);
    log(`  ${requests} requests of ${alertsPerPost} alert(s)`);
    const alerts = Array.from({ length: alertsPerPost }, (_, i) =>
      webhookAlert({ alertname: `Latency${i % 10}`, severity: 'warning', namespace: 'shop', instance: `host-${i}:9100` }),
    );
    for (let i = 0; i < 5; i++) await postAlerts(pipeline.stack, cluster, alerts); // warm-up
    const latencies: number[] = [];
    let requestBytes = 0;
    for (let i = 0; i < requests; i++) {
      const result = await postAlerts(pipeline.stack, cluster, alerts);
      if (result.status !== 200) throw new Error(`ingest answered ${result.status}`);
      latencies.push(result.latencyMs);
      requestBytes = result.requestBytes;
    }
    latencies.sort((a, b) => a - b);
    rows.push({
      alertsPerPost,
      requests,
      requestBytes,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      meanMs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    });
  }
  return rows;
}
