import * as z from 'zod';
import type { Alert } from '../alert/alert.js';
import { buildAlert, toIssues, type IngestSource, type ParsedBatch } from './alertmanager-webhook.js';
import { InvalidPayloadError, type FieldIssue } from './ingest-errors.js';
import { annotationsInput, labelsInput, optionalTimestamp, oversizeIssue } from './label-validation.js';

/** Alertmanager's default `resolve_timeout`. */
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5 * 60 * 1000;

const postableAlertSchema = z.object({
  labels: labelsInput,
  annotations: annotationsInput.nullable().optional(),
  startsAt: optionalTimestamp,
  endsAt: optionalTimestamp,
  generatorURL: z.string().nullable().optional(),
});

/** What `POST /api/v2/alerts` yields: the kept alerts, the issues, and which ends were derived. */
export interface ParsedPostableAlerts extends ParsedBatch {
  /**
   * `timeouts[i]` is true when `alerts[i].endsAt` was not sent and was set to
   * now + resolve timeout. Alertmanager lets an explicit endsAt from a later
   * push override such a derived one, so the merging stage needs to know.
   */
  timeouts: boolean[];
}

export interface PostableAlertOptions {
  now: Date;
  /** Alertmanager's `resolve_timeout`; default 5 minutes. */
  resolveTimeoutMs?: number;
}

/**
 * Parses the body of Alertmanager's `POST /api/v2/alerts` as Prometheus, amtool
 * and other clients send it: a JSON array of postable alerts. Semantics follow
 * Alertmanager's API handler:
 * - a missing startsAt becomes now (or endsAt, when that is already past, so a
 *   resolved alert sent without a start stays valid);
 * - a missing endsAt becomes now + resolve timeout, flagged in `timeouts`;
 * - an alert whose endsAt is at or before now is resolved, else firing;
 * - empty label values are removed; at least one label must remain;
 * - label and annotation names must be classic label names, values valid UTF-8;
 * - startsAt after endsAt is refused.
 * Invalid alerts are reported by index and field while valid ones are kept.
 */
export function parsePostableAlerts(body: unknown, source: IngestSource, options: PostableAlertOptions): ParsedPostableAlerts {
  if (!Array.isArray(body)) {
    throw new InvalidPayloadError('not an Alertmanager API v2 alert list', [
      { field: '(body)', message: 'must be a JSON array of alerts' },
    ]);
  }
  const nowMs = options.now.getTime();
  const resolveTimeoutMs = options.resolveTimeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const alerts: Alert[] = [];
  const timeouts: boolean[] = [];
  const issues: FieldIssue[] = [];
  body.forEach((raw: unknown, index) => {
    const parsed = postableAlertSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...toIssues(parsed.error, `[${index}]`, index));
      return;
    }
    const item = parsed.data;
    const timeout = item.endsAt === undefined;
    const endsAt = item.endsAt ?? new Date(nowMs + resolveTimeoutMs).toISOString();
    const endsAtMs = Date.parse(endsAt);
    const startsAt = item.startsAt ?? (endsAtMs < nowMs ? endsAt : options.now.toISOString());
    if (Date.parse(startsAt) > endsAtMs) {
      issues.push({ field: `[${index}].startsAt`, message: 'start time must be before end time', index });
      return;
    }
    const alert = buildAlert(
      {
        labels: item.labels,
        annotations: item.annotations ?? {},
        status: endsAtMs <= nowMs ? 'resolved' : 'firing',
        startsAt,
        endsAt,
        generatorURL: item.generatorURL ?? '',
      },
      source,
      'alertmanager-api',
    );
    const tooLarge = oversizeIssue(alert, `[${index}]`, index);
    if (tooLarge !== undefined) {
      issues.push(tooLarge);
      return;
    }
    alerts.push(alert);
    timeouts.push(timeout);
  });
  return { alerts, issues, timeouts };
}

const DEFAULT_CONFIG_YAML = [
  '# Routing, receivers and silences are managed through the tidings API.',
  'route:',
  '  receiver: tidings',
  'receivers:',
  '  - name: tidings',
  '',
].join('\n');

/** What the deployment says about itself in `GET /api/v2/status`. */
export interface AlertmanagerStatusOptions {
  /** When this endpoint came up (reported as `uptime`, a start time in Alertmanager's API). */
  startedAt: Date;
  /** The version tidings reports; clients only print it. */
  version: string;
  revision?: string;
  /**
   * YAML shown by `amtool config show` and parsed by `amtool config routes`.
   * Tidings routes through its own API, so the default is the smallest config
   * Alertmanager's loader accepts: one root route to one receiver.
   */
  configYaml?: string;
}

/** Alertmanager's `alertmanagerStatus` object, the subset clients read. */
export interface AlertmanagerStatus {
  cluster: { status: 'ready' | 'settling' | 'disabled'; peers: never[] };
  versionInfo: {
    version: string;
    revision: string;
    branch: string;
    buildUser: string;
    buildDate: string;
    goVersion: string;
  };
  config: { original: string };
  uptime: string;
}

/**
 * The body of `GET /api/v2/status`. amtool calls it before every command and
 * dereferences every field, so all of them are present; the cluster is
 * "disabled" because tidings has no gossip peers.
 */
export function alertmanagerStatus(options: AlertmanagerStatusOptions): AlertmanagerStatus {
  return {
    cluster: { status: 'disabled', peers: [] },
    versionInfo: {
      version: options.version,
      revision: options.revision ?? 'unknown',
      branch: 'tidings',
      buildUser: 'tidings',
      buildDate: options.startedAt.toISOString(),
      goVersion: 'none (tidings is not Alertmanager)',
    },
    config: {
      original: options.configYaml ?? DEFAULT_CONFIG_YAML,
    },
    uptime: options.startedAt.toISOString(),
  };
}
