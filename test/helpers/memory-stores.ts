import type { ClaimOutcome, DeliveryClaims } from '../../lib/notify/delivery-claims.js';
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
  constructor(private readonly now: () => number = Date.now) {}
  async claim(id: string, leaseMs: number): Promise<ClaimOutcome> {
    const current = this.claims.get(id);
    if (current?.status === 'done') return 'done';
    if (current?.status === 'sending' && current.leaseUntil >= this.now()) return 'busy';
    this.claims.set(id, { status: 'sending', leaseUntil: this.now() + leaseMs });
    return 'claimed';
  }
  async finish(id: string) {
    this.claims.set(id, { status: 'done', leaseUntil: 0 });
  }
  async release(id: string) {
    if (this.claims.get(id)?.status === 'sending') this.claims.delete(id);
  }
}
