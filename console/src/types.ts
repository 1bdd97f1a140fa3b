/** The shapes of the API answers the console reads (see the README's API section). */

export type LabelSet = Record<string, string>;

/** Alertmanager v2's GettableAlert, as tidings answers it. */
export interface AmAlert {
  labels: LabelSet;
  annotations: LabelSet;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  fingerprint: string;
  generatorURL: string;
  receivers: Array<{ name: string }>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt?: string;
  permanent?: boolean;
  schedule?: { cron: string; durationSeconds: number; timeZone: string };
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired'; activeUntil?: string; nextActiveAt?: string };
}

/** One receiver considered for an alert, and whether it got it or what stopped it. */
export interface ReceiverDecision {
  receiver: string;
  channel?: string;
  via?: string[];
  outcome: 'delivered' | 'disabled' | 'filtered' | 'silenced' | 'inhibited' | 'unreached';
  detail?: string;
}

/** POST {base}/explain: the operator's answer has tenants and routers; a tenant's, whether it may see the alert. */
export interface Explanation {
  fingerprint: string;
  tenants?: Array<{ tenantId: string; via: string }>;
  routers?: string[];
  visibleToTenant?: boolean;
  receivers: ReceiverDecision[];
}

export type PathEntry =
  | { stage: 'received'; at: string; status: string; cluster: string; source: string }
  | {
      stage: 'routed';
      at: string;
      status: string;
      alertname: string;
      cluster: string;
      source: string;
      rule?: string;
      tenants: Array<{ tenantId: string; via: string }>;
      routers: string[];
      receivers: ReceiverDecision[];
    }
  | { stage: 'silenced' | 'inhibited'; at: string; status?: string; receiver: string; detail: string }
  | { stage: 'notified'; at: string; notificationId: string; receiver: string; channel: string; status: string; reason?: string };

export interface NotificationRecord {
  notificationId: string;
  receiver: { accountId: string; tenantId?: string; name: string };
  channel: string;
  groupKey: string;
  status: 'sent' | 'failed' | 'retrying';
  reason?: string;
  httpStatus?: number;
  attempts: number;
  alertCount: number;
  fingerprints: string[];
  alertnames: string[];
  createdAt: string;
  updatedAt: string;
  latencyMs: number;
  message?: string;
}

export interface Grouping {
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  sendResolved: boolean;
  maxAlerts: number;
}

export interface ReceiverView {
  name: string;
  tenant?: string;
  channel: string;
  enabled: boolean;
  /** Secret values masked (`<secret>`, `https://host/<redacted>`). */
  settings: Record<string, unknown>;
  /** As the pipeline applies it: the receiver's own values over the account's. */
  grouping: Grouping;
  ownGrouping: Partial<Grouping>;
  filter?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[]; matchers?: Array<string | Matcher> };
  configSelector?: Record<string, string>;
  presentation?: { language?: string; timeZone?: string; templateSet?: string; templates?: Record<string, string> };
  version: number;
  updatedAt: string;
}

/** POST {base}/receivers/{name}/test */
export interface TestSendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
  retryable?: boolean;
  fields?: string[];
  templateFallbacks?: unknown[];
}

export interface TenantView {
  id: string;
  displayName?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface ClusterView {
  id: string;
  name: string;
  accountId: string;
  createdAt: string;
  tokens: Array<{ id: string; createdAt: string; live: boolean; expiresAt?: string }>;
  signedRequests: boolean;
  ingestUrl: string;
}

/** A cluster as a create or rotate answers it: with the new token, shown this once. */
export type ClusterWithToken = ClusterView & { token: string };

export interface RuleView {
  name: string;
  owner: { type: 'global' } | { type: 'tenant'; tenantId: string };
  signal: 'event' | 'audit';
  condition: string;
  enabled: boolean;
  kind: 'alert' | 'drop';
  severity?: string;
  scope?: { level: string; namespace?: string; workspace?: string; cluster?: string };
  labels?: LabelSet;
  annotations?: LabelSet;
  resolveAfterSeconds?: number;
  version: number;
}

/** POST {base}/rules-dry-run */
export interface DryRunReport {
  signal: string;
  namespace: string;
  dropped: boolean;
  matches: Array<{ rule: string; kind: string; outcome: string; alert?: { labels: LabelSet; annotations: LabelSet } }>;
  outOfScope: string[];
  alerts: Array<{ labels: LabelSet; annotations: LabelSet; fingerprint: string }>;
  rejectedRules: Array<{ name: string; error: string }>;
}

/** A channel config: its settings' names only, values never shown. */
export interface ConfigView {
  name: string;
  channel: string;
  labels: LabelSet;
  settings: Record<string, string>;
  version: number;
  updatedAt: string;
}
