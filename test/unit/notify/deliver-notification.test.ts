import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ChannelError, type Channel } from '../../../lib/notify/channel.js';
import { RateLimitedError } from '../../../lib/ingest/rate-limit.js';
import { deliverNotification, deliverQueuedNotification, RetryableDeliveryError, type DeliverDependencies } from '../../../lib/notify/deliver-notification.js';
import { InvalidMessageError } from '../../../lib/pipeline/messages.js';
import { aNotification } from '../../helpers/builders.js';
import { aReceiver, MemoryDeliveryClaims, MemoryHistoryStore, MemoryReceiverStore } from '../../helpers/memory-stores.js';
import type { NotificationRecord } from '../../../lib/history/notification-record.js';
import type { Receiver } from '../../../lib/receivers/receiver.js';

/** A channel whose send does whatever the test says, so only deliverNotification's decisions are under test. */
function scriptedChannel(send: () => Promise<{ statusCode: number }>): Channel<{ url: string }> {
  return { type: 'webhook', settingsSchema: z.object({ url: z.string() }), secretSettings: ['url'], redact: () => ({}), send };
}

async function setup(send: () => Promise<{ statusCode: number }>, receiver = aReceiver()) {
  const receivers = new MemoryReceiverStore();
  await receivers.put(receiver, 0);
  const history = new MemoryHistoryStore();
  let clock = Date.parse('2026-11-25T10:00:30Z');
  const deps = {
    receivers,
    history,
    claims: new MemoryDeliveryClaims(history),
    prepare: async (r: Receiver) => ({ settings: r.settings, renderer: { render: () => '' }, templateFallbacks: [] }),
    claimLeaseMs: 60_000,
    channels: new Map([['webhook', scriptedChannel(send)]]),
    context: { http: async () => ({ status: 200, headers: {}, body: '' }), now: () => new Date((clock += 40)), externalURL: 'x' },
  };
  return { deps, history };
}

/** An attempt whose parking nobody watches; tests of parking pass their own. */
function attempt(number: number, park: () => Promise<void> = async () => {}) {
  return { number, max: 5, park };
}

/** Delivers and expects a record (not a suppressed duplicate). */
async function deliver(...args: Parameters<typeof deliverNotification>): Promise<NotificationRecord> {
  const outcome = await deliverNotification(...args);
  if (outcome === 'duplicate' || 'deferredSeconds' in outcome) throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('deliverNotification', () => {
  it('records a sent notification with its receiver, alerts, status code and latency', async () => {
    const { deps, history } = await setup(async () => ({ statusCode: 200 }));

    const record = await deliver(aNotification(), attempt(1), deps);

    expect(record).toMatchObject({ status: 'sent', httpStatus: 200, attempts: 1, channel: 'webhook', alertnames: ['HighErrorRate'] });
    expect(record.latencyMs).toBe(40);
    expect(history.records).toEqual([{ accountId: 'acme', record }]);
  });

  it('records a permanent failure with the reason and does not ask for a retry', async () => {
    const { deps, history } = await setup(async () => {
      throw new ChannelError('provider answered HTTP 401: bad token', false, { statusCode: 401 });
    });

    const record = await deliver(aNotification(), attempt(1), deps);

    expect(record).toMatchObject({ status: 'failed', httpStatus: 401, reason: 'provider answered HTTP 401: bad token' });
    expect(history.records).toHaveLength(1);
  });

  it('records a retryable failure as retrying and throws so the queue redelivers', async () => {
    const { deps, history } = await setup(async () => {
      throw new ChannelError('provider answered HTTP 503', true, { statusCode: 503, retryAfterMs: 2000 });
    });

    const error = await deliverNotification(aNotification(), attempt(2), deps).catch((e) => e);

    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect(error.retryAfterMs).toBe(2000);
    expect(history.records[0]!.record).toMatchObject({ status: 'retrying', attempts: 2, httpStatus: 503 });
  });

  it('on the last attempt parks the message first, then records failed (parked), and releases the claim for a replay', async () => {
    let sends = 0;
    const { deps, history } = await setup(async () => {
      if (sends++ === 0) throw new ChannelError('network error: ECONNREFUSED', true);
      return { statusCode: 200 };
    });
    const events: string[] = [];
    deps.history.record = ((record) => async (...args: Parameters<typeof record>) => {
      events.push('history');
      return record(...args);
    })(deps.history.record.bind(deps.history));

    const parked = await deliver(aNotification({ id: 'gave-up' }), attempt(5, async () => void events.push('parked')), deps);

    expect(events).toEqual(['parked', 'history']);
    expect(parked.status).toBe('failed');
    expect(parked.reason).toMatch(/gave up after 5 attempts; parked on the dead-letter queue/);
    // The replayed message (a new message: attempt 1) is sent, once.
    const replayed = await deliver(aNotification({ id: 'gave-up' }), attempt(1), deps);
    expect(replayed.status).toBe('sent');
    expect(await deliverNotification(aNotification({ id: 'gave-up' }), attempt(1), deps)).toBe('duplicate');
    // One record per notification: the replay's outcome replaces "failed".
    expect(history.records.map((r) => r.record.status)).toEqual(['sent']);
  });

  it('does not record "parked" when parking failed: the error goes back to the queue', async () => {
    const { deps, history } = await setup(async () => {
      throw new ChannelError('network error: ECONNREFUSED', true);
    });
    const park = async () => {
      throw new Error('dead-letter queue unreachable');
    };

    await expect(deliverNotification(aNotification(), attempt(5, park), deps)).rejects.toThrow('dead-letter queue unreachable');

    expect(history.records).toHaveLength(0);
  });

  it('treats an unexpected exception from a channel as retryable', async () => {
    const { deps } = await setup(async () => {
      throw new TypeError('boom');
    });
    await expect(deliverNotification(aNotification(), attempt(1), deps)).rejects.toBeInstanceOf(RetryableDeliveryError);
  });

  it('records a failure, without sending, for a disabled, deleted or misconfigured receiver', async () => {
    let sends = 0;
    const count = async () => ({ statusCode: 200 + 0 * sends++ });
    const disabled = await setup(count, aReceiver({ enabled: false }));
    const misconfigured = await setup(count, aReceiver({ settings: { nope: 1 } }));
    const missing = await setup(count, aReceiver({ name: 'other' }));

    expect((await deliver(aNotification(), attempt(1), disabled.deps)).reason).toBe('receiver is disabled');
    expect((await deliver(aNotification(), attempt(1), misconfigured.deps)).reason).toMatch(/settings are invalid/);
    expect((await deliver(aNotification(), attempt(1), missing.deps)).reason).toBe('receiver no longer exists');
    expect(sends).toBe(0);
  });

  it('does not send alerts routed to a receiver that was since deleted and created again under the same name', async () => {
    let sends = 0;
    const { deps } = await setup(async () => ({ statusCode: 200 + 0 * sends++ }), aReceiver({ incarnation: 'second-life' }));

    const record = await deliver(aNotification({ receiver: { accountId: 'acme', name: 'ops', incarnation: 'first-life' } }), attempt(1), deps);

    expect(record).toMatchObject({ status: 'failed', reason: expect.stringMatching(/deleted and created again/) });
    expect(sends).toBe(0);
  });

  it('sends a notification once: a second delivery of the same id is a duplicate and sends nothing', async () => {
    let sends = 0;
    const { deps, history } = await setup(async () => ({ statusCode: 200 + 0 * sends++ }));

    await deliver(aNotification({ id: 'same' }), attempt(1), deps);
    const again = await deliverNotification(aNotification({ id: 'same' }), attempt(1), deps);

    expect(again).toBe('duplicate');
    expect(sends).toBe(1);
    expect(history.records).toHaveLength(1);
  });

  it('lets a retry send again after a retryable failure released the claim', async () => {
    let calls = 0;
    const { deps } = await setup(async () => {
      if (calls++ === 0) throw new ChannelError('provider answered HTTP 502', true, { statusCode: 502 });
      return { statusCode: 200 };
    });

    await expect(deliverNotification(aNotification({ id: 'r' }), attempt(1), deps)).rejects.toBeInstanceOf(RetryableDeliveryError);
    const second = await deliver(aNotification({ id: 'r' }), attempt(2), deps);

    expect(second.status).toBe('sent');
    expect(calls).toBe(2);
  });

  it('asks for a later retry while another worker holds the claim', async () => {
    const { deps } = await setup(async () => ({ statusCode: 200 }));
    await deps.claims.claim('held', 60_000);

    await expect(deliverNotification(aNotification({ id: 'held' }), attempt(1), deps)).rejects.toBeInstanceOf(
      RetryableDeliveryError,
    );
  });

  it("defers, without sending or spending an attempt, when the channel's provider rate limit is used up", async () => {
    let sends = 0;
    const { deps } = await setup(async () => ({ statusCode: 200 + 0 * sends++ }));
    const limited = { ...deps.channels.get('webhook')!, rateLimitPerMinute: 2 };
    const counts = new Map<string, number>();
    const limiter = {
      take: async (key: string, _now: Date, limit = 60) => {
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        if (n > limit) throw new RateLimitedError(17);
      },
    };
    const limitedDeps = { ...deps, channels: new Map([['webhook', limited]]), limiter };

    await deliver(aNotification({ id: 'r1' }), attempt(1), limitedDeps);
    await deliver(aNotification({ id: 'r2' }), attempt(1), limitedDeps);
    const third = await deliverNotification(aNotification({ id: 'r3' }), attempt(1), limitedDeps);

    expect(third).toEqual({ deferredSeconds: 17 });
    expect(sends).toBe(2);
    // The claim was released: the deferred copy can be sent later.
    expect(await limitedDeps.claims.claim('r3', 1000)).toBe('claimed');
  });

  it('does not send again when the outcome could not be written after a successful send', async () => {
    let sends = 0;
    const { deps, history } = await setup(async () => ({ statusCode: 200 + 0 * sends++ }));
    let failHistory = true;
    const flakyHistory = {
      record: async (...args: Parameters<typeof history.record>) => {
        if (failHistory) {
          failHistory = false;
          throw new Error('DynamoDB throttled');
        }
        return history.record(...args);
      },
      list: history.list.bind(history),
    };
    // The claim is marked done first, as DynamoDeliveryClaims marks it alone when the combined write fails.
    const flaky = { ...deps, claims: new MemoryDeliveryClaims(flakyHistory) };

    await expect(deliverNotification(aNotification({ id: 'h' }), attempt(1), flaky)).rejects.toThrow('DynamoDB throttled');
    const retry = await deliverNotification(aNotification({ id: 'h' }), attempt(2), flaky);

    expect(retry).toBe('duplicate');
    expect(sends).toBe(1);
  });
});

describe('deliverQueuedNotification', () => {
  function queued(deps: DeliverDependencies) {
    const spilled = new Map<string, string>();
    const requeued: Array<{ queue: string; bodies: readonly string[]; delaySeconds?: number }> = [];
    return {
      spilled,
      requeued,
      deps: {
        ...deps,
        spill: { put: async (key: string, body: string) => void spilled.set(key, body), get: async (key: string) => spilled.get(key) },
        queue: { send: async (queue: string, bodies: readonly string[], options: { delaySeconds?: number } = {}) => void requeued.push({ queue, bodies, ...options }) },
      },
    };
  }

  it('sends a spilled notification as validated from the store', async () => {
    // Prepare
    const sent: unknown[] = [];
    const { deps: base } = await setup(async () => ({ statusCode: 200 }));
    const channel = { ...base.channels.get('webhook')!, send: async (_settings: unknown, notification: unknown) => (sent.push(notification), { statusCode: 200 }) };
    const { deps, spilled } = queued({ ...base, channels: new Map([['webhook', channel]]) });
    const notification = aNotification({ id: 'big' });
    spilled.set('big', JSON.stringify({ ...notification, unknownField: 'dropped by the schema' }));

    // Act
    const { outcome } = await deliverQueuedNotification(JSON.stringify({ type: 'spilled', key: 'big', accountId: 'acme' }), attempt(1), deps);

    // Assess
    expect(outcome).toMatchObject({ status: 'sent', notificationId: 'big' });
    expect(sent).toEqual([notification]);
  });

  it('refuses a body that is not a notification as permanent, before sending', async () => {
    const { deps: base } = await setup(async () => {
      throw new Error('must not send');
    });
    const { deps } = queued(base);

    const error = await deliverQueuedNotification(JSON.stringify({ type: 'notification', id: 'x' }), attempt(1), deps).catch((e) => e);

    expect(error).toBeInstanceOf(InvalidMessageError);
  });

  it('queues a notification deferred by the rate limit again, as is, after the delay', async () => {
    const { deps: base } = await setup(async () => ({ statusCode: 200 }));
    const limited = { ...base.channels.get('webhook')!, rateLimitPerMinute: 1 };
    const limiter = {
      take: async () => {
        throw new RateLimitedError(9);
      },
    };
    const { deps, requeued } = queued({ ...base, channels: new Map([['webhook', limited]]), limiter });
    const body = JSON.stringify(aNotification({ id: 'later' }));

    const { outcome } = await deliverQueuedNotification(body, attempt(1), deps);

    expect(outcome).toEqual({ deferredSeconds: 9 });
    expect(requeued).toEqual([{ queue: 'delivery', bodies: [body], delaySeconds: 9 }]);
  });
});
