import { z } from 'zod';
import { issueClusterToken, newClusterId, type Cluster, type ClusterStore } from '../clusters/cluster.js';
import type { HistoryPage, HistoryStore } from '../history/notification-record.js';
import { InvalidPayloadError } from '../ingest/ingest-errors.js';
import { toIssues } from '../ingest/alertmanager-webhook.js';
import type { Channel } from '../notify/channel.js';
import { GroupingOptionsError, resolveGroupingOptions } from '../aggregate/grouping-options.js';
import { formatDuration, parseDuration } from '../receivers/duration.js';
import type { Receiver, ReceiverGrouping, ReceiverStore } from '../receivers/receiver.js';

export interface AdminDependencies {
  clusters: ClusterStore;
  receivers: ReceiverStore;
  history: HistoryStore;
  channels: ReadonlyMap<string, Channel<any>>;
  now: () => Date;
  /** Base URL of the HTTP API, used to build ingest URLs. */
  publicUrl: string;
}

/** Names used in URLs and labels: DNS-label-like, so they need no escaping anywhere. */
const nameSchema = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and dashes, at most 63 characters');

const createClusterSchema = z.object({ name: nameSchema });

const durationSchema = z.string().transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Alertmanager's route timing, written as Alertmanager users write it (`30s`, `5m`, `4h`). */
const groupingSchema = z
  .object({
    groupBy: z.array(z.string().min(1)).optional(),
    groupWait: durationSchema.optional(),
    groupInterval: durationSchema.optional(),
    repeatInterval: durationSchema.optional(),
    sendResolved: z.boolean().optional(),
    maxAlerts: z.number().int().min(0).optional(),
  })
  .strict();

const putReceiverSchema = z.object({
  channel: z.string().min(1),
  enabled: z.boolean().default(true),
  settings: z.record(z.string(), z.unknown()),
  grouping: groupingSchema.optional(),
});

/** A cluster as the API shows it: never with token hashes. */
export interface ClusterView {
  id: string;
  name: string;
  accountId: string;
  createdAt: string;
  ingestUrl: string;
}

/** A receiver as the API shows it: settings redacted by its channel. */
export interface ReceiverView {
  name: string;
  channel: string;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** The effective grouping: the receiver's own values over the defaults. */
  grouping: { groupBy: string[]; groupWait: string; groupInterval: string; repeatInterval: string; sendResolved: boolean; maxAlerts: number };
  version: number;
  createdAt: string;
  updatedAt: string;
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new InvalidPayloadError('invalid request body', toIssues(result.error));
  return result.data;
}

/** Account ids arrive in URLs; validate before they become key parts. */
export function validateAccountId(accountId: string): string {
  return parseBody(z.object({ accountId: nameSchema }), { accountId }).accountId;
}

export function clusterView(cluster: Cluster, publicUrl: string): ClusterView {
  return {
    id: cluster.id,
    name: cluster.name,
    accountId: cluster.accountId,
    createdAt: cluster.createdAt,
    ingestUrl: `${publicUrl.replace(/\/$/, '')}/ingest/${cluster.id}`,
  };
}

/** Creates a cluster and returns its token: the only time the token is ever shown. */
export async function createCluster(
  accountId: string,
  body: unknown,
  deps: AdminDependencies,
): Promise<ClusterView & { token: string }> {
  const { name } = parseBody(createClusterSchema, body);
  const existing = await deps.clusters.listByAccount(accountId);
  if (existing.some((cluster) => cluster.name === name)) {
    throw new InvalidPayloadError('cluster name is taken', [{ field: 'name', message: `a cluster named ${name} already exists` }]);
  }
  const now = deps.now();
  const { token, stored } = issueClusterToken(now);
  const cluster: Cluster = { id: newClusterId(), accountId, name, tokens: [stored], createdAt: now.toISOString() };
  await deps.clusters.create(cluster);
  return { ...clusterView(cluster, deps.publicUrl), token };
}

export async function listClusters(accountId: string, deps: AdminDependencies): Promise<ClusterView[]> {
  return (await deps.clusters.listByAccount(accountId)).map((cluster) => clusterView(cluster, deps.publicUrl));
}

export function receiverView(receiver: Receiver, channels: ReadonlyMap<string, Channel<any>>): ReceiverView {
  const channel = channels.get(receiver.channel);
  const parsed = channel?.settingsSchema.safeParse(receiver.settings);
  const grouping = resolveGroupingOptions(receiver.grouping);
  return {
    name: receiver.name,
    channel: receiver.channel,
    enabled: receiver.enabled,
    settings: channel !== undefined && parsed?.success ? channel.redact(parsed.data) : {},
    grouping: {
      groupBy: [...grouping.groupBy],
      groupWait: formatDuration(grouping.groupWaitMs),
      groupInterval: formatDuration(grouping.groupIntervalMs),
      repeatInterval: formatDuration(grouping.repeatIntervalMs),
      sendResolved: grouping.sendResolved,
      maxAlerts: grouping.maxAlerts,
    },
    version: receiver.version,
    createdAt: receiver.createdAt,
    updatedAt: receiver.updatedAt,
  };
}

/**
 * Creates or replaces a global receiver. `expectedVersion` comes from
 * If-Match: 0 (or absent on a new receiver) creates; a stale version is a 409.
 */
export async function putGlobalReceiver(
  accountId: string,
  name: string,
  body: unknown,
  expectedVersion: number | undefined,
  deps: AdminDependencies,
): Promise<ReceiverView> {
  parseBody(z.object({ name: nameSchema }), { name });
  const request = parseBody(putReceiverSchema, body);
  const channel = deps.channels.get(request.channel);
  if (channel === undefined) {
    throw new InvalidPayloadError('unknown channel', [
      { field: 'channel', message: `must be one of ${[...deps.channels.keys()].join(', ')}` },
    ]);
  }
  const settings = channel.settingsSchema.safeParse(request.settings);
  if (!settings.success) throw new InvalidPayloadError('invalid receiver settings', toIssues(settings.error, 'settings'));
  const grouping = toReceiverGrouping(request.grouping);
  const current = await deps.receivers.get({ accountId, name });
  const version = expectedVersion ?? current?.version ?? 0;
  const now = deps.now().toISOString();
  const receiver: Receiver = {
    accountId,
    name,
    channel: request.channel,
    enabled: request.enabled,
    settings: settings.data as Record<string, unknown>,
    ...(grouping === undefined ? {} : { grouping }),
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    version: version + 1,
  };
  await deps.receivers.put(receiver, version);
  return receiverView(receiver, deps.channels);
}

/** Checks the grouping as the pipeline will use it, so a bad combination is a 400 now rather than a stuck queue later. */
function toReceiverGrouping(input: z.infer<typeof groupingSchema> | undefined): ReceiverGrouping | undefined {
  if (input === undefined) return undefined;
  const grouping: ReceiverGrouping = {};
  if (input.groupBy !== undefined) grouping.groupBy = input.groupBy;
  if (input.groupWait !== undefined) grouping.groupWaitMs = input.groupWait;
  if (input.groupInterval !== undefined) grouping.groupIntervalMs = input.groupInterval;
  if (input.repeatInterval !== undefined) grouping.repeatIntervalMs = input.repeatInterval;
  if (input.sendResolved !== undefined) grouping.sendResolved = input.sendResolved;
  if (input.maxAlerts !== undefined) grouping.maxAlerts = input.maxAlerts;
  try {
    resolveGroupingOptions(grouping);
  } catch (error) {
    if (error instanceof GroupingOptionsError) {
      const field = error.field.replace(/Ms$/, '');
      throw new InvalidPayloadError('invalid grouping', [{ field: `grouping.${field}`, message: error.message }]);
    }
    throw error;
  }
  return grouping;
}

export async function listGlobalReceivers(accountId: string, deps: AdminDependencies): Promise<ReceiverView[]> {
  return (await deps.receivers.listGlobal(accountId)).map((receiver) => receiverView(receiver, deps.channels));
}

export async function getGlobalReceiver(accountId: string, name: string, deps: AdminDependencies): Promise<ReceiverView | undefined> {
  const receiver = await deps.receivers.get({ accountId, name });
  return receiver === undefined ? undefined : receiverView(receiver, deps.channels);
}

const historyQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

export async function listHistory(
  accountId: string,
  query: Record<string, string | undefined>,
  deps: AdminDependencies,
): Promise<HistoryPage> {
  const { limit, cursor } = parseBody(historyQuerySchema, query);
  return deps.history.list(accountId, cursor === undefined ? { limit } : { limit, cursor });
}
