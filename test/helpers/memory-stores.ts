import type { GroupEvaluationState, RuleStateStore } from '../../lib/metric-rules/evaluate-cluster.js';
import type { ClaimOutcome, DeliveryClaims, HistoryEntry } from '../../lib/notify/delivery-claims.js';
import type { HistoryPage, HistoryStore, NotificationRecord } from '../../lib/history/notification-record.js';
import type { ReceiverRef } from '../../lib/pipeline/messages.js';
import { VersionConflictError, type Receiver, type ReceiverStore } from '../../lib/receivers/receiver.js';

/** In-memory ReceiverStore for unit tests of use cases (DynamoDB-backed stores are tested on the local stack). */
export class MemoryReceiverStore implements ReceiverStore {
  readonly items = new Map<string, Receiver>();
  private key(ref: ReceiverRef) {
    return JSON.stringify([ref.accountId, ref.tenantId ?? '', ref.name]);
  }
  async get(ref: ReceiverRef) {
    return this.items.get(this.key(ref));
  }
  async listGlobal(accountId: string) {
    return [...this.items.values()].filter((r) => r.accountId === accountId && r.tenantId === undefined);
  }
  async listTenant(accountId: string, tenantId: string) {
    return [...this.items.values()].filter((r) => r.accountId === accountId && r.tenantId === tenantId);
  }
  async delete(ref: ReceiverRef) {
    return this.items.delete(this.key(ref));
  }
  async put(receiver: Receiver, expectedVersion: number) {
    const current = this.items.get(this.key(receiver));
    if ((current?.version ?? 0) !== expectedVersion) throw new VersionConflictError(receiver.name);
    this.items.set(this.key(receiver), receiver);
  }
}

export class MemoryHistoryStore implements HistoryStore {
  readonly records: Array<{ accountId: string; record: NotificationRecord }> = [];
  async record(accountId: string, record: NotificationRecord) {
    const index = this.records.findIndex((r) => r.record.notificationId === record.notificationId);
    if (index >= 0) this.records[index] = { accountId, record };
    else this.records.push({ accountId, record });
  }
  async list(accountId: string, options: { limit: number }): Promise<HistoryPage> {
    return { items: this.records.filter((r) => r.accountId === accountId).map((r) => r.record).slice(0, options.limit) };
  }
}

export function aReceiver(overrides: Partial<Receiver> = {}): Receiver {
  return {
    accountId: 'acme',
    name: 'ops',
    channel: 'webhook',
    enabled: true,
    settings: { url: 'http://127.0.0.1:1/hook' },
    createdAt: '2026-11-25T09:00:00Z',
    updatedAt: '2026-11-25T09:00:00Z',
    version: 1,
    ...overrides,
  };
}

/** In-memory DeliveryClaims with the same rules as the DynamoDB one (tested against DynamoDB Local separately). */
export class MemoryDeliveryClaims implements DeliveryClaims {
  readonly claims = new Map<string, { status: 'sending' | 'done'; leaseUntil: number }>();
  constructor(
    /** Where a finished claim's history record goes, as the DynamoDB claims write it in the same request. */
    private readonly history: HistoryStore,
    private readonly now: () => number = Date.now,
  ) {}
  async claim(id: string, leaseMs: number): Promise<ClaimOutcome> {
    const current = this.claims.get(id);
    if (current?.status === 'done') return 'done';
    if (current?.status === 'sending' && current.leaseUntil >= this.now()) return 'busy';
    this.claims.set(id, { status: 'sending', leaseUntil: this.now() + leaseMs });
    return 'claimed';
  }
  async finish(id: string, entry: HistoryEntry) {
    this.claims.set(id, { status: 'done', leaseUntil: 0 });
    await this.history.record(entry.accountId, entry.record, entry.retentionDays);
  }
  async release(id: string) {
    if (this.claims.get(id)?.status === 'sending') this.claims.delete(id);
  }
}

/** In-memory RuleStateStore with the DynamoDB adapter's version checks, counting requests as the adapter makes them. */
export class MemoryRuleStateStore implements RuleStateStore {
  readonly items = new Map<string, GroupEvaluationState>();
  readonly requests = { lists: 0, puts: 0, deletes: 0 };

  async list(accountId: string, clusterId: string): Promise<Map<string, GroupEvaluationState>> {
    this.requests.lists += 1;
    const prefix = `${accountId}/${clusterId}/`;
    return new Map([...this.items].filter(([key]) => key.startsWith(prefix)).map(([key, state]) => [key.slice(prefix.length), structuredClone(state)]));
  }

  async put(accountId: string, clusterId: string, groupKey: string, state: GroupEvaluationState, expectedVersion: number): Promise<boolean> {
    this.requests.puts += 1;
    const key = `${accountId}/${clusterId}/${groupKey}`;
    if ((this.items.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.items.set(key, structuredClone(state));
    return true;
  }

  async delete(accountId: string, clusterId: string, groupKey: string, expectedVersion: number): Promise<boolean> {
    this.requests.deletes += 1;
    const key = `${accountId}/${clusterId}/${groupKey}`;
    if (this.items.get(key)?.version !== expectedVersion) return false;
    return this.items.delete(key);
  }

  async deleteCluster(accountId: string, clusterId: string): Promise<number> {
    const keys = [...(await this.list(accountId, clusterId)).keys()];
    for (const groupKey of keys) this.items.delete(`${accountId}/${clusterId}/${groupKey}`);
    return keys.length;
  }
}
