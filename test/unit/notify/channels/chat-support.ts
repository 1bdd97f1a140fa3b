import { afterEach } from 'vitest';
import { awsChannelServices } from '../../../../lib/aws/aws-channel-services.js';
import { AddressPolicy } from '../../../../lib/net/address-policy.js';
import { createOutboundHttp } from '../../../../lib/net/outbound-http.js';
import type { ChannelContext } from '../../../../lib/notify/channel.js';
import { createRenderer } from '../../../../lib/templates/index.js';
import { startHttpReceiver, type Responder } from '../../../helpers/http-receiver.js';

/** The instant every channel test sends at. */
export const NOW = new Date('2026-11-25T10:05:00.000Z');

/** A channel context that may reach only the local test servers. */
export function testContext(overrides: Partial<ChannelContext> = {}): ChannelContext {
  return {
    http: createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) }),
    now: () => NOW,
    externalURL: 'https://tidings.example',
    aws: awsChannelServices,
    renderer: createRenderer({ language: 'en', externalURL: 'https://tidings.example', now: () => NOW }),
    ...overrides,
  };
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** Starts a stand-in provider that is closed after the test. */
export async function provider(responder: Responder) {
  const receiver = await startHttpReceiver(responder);
  open.push(receiver.close);
  return receiver;
}

/** Splits a recorded request path into its path and decoded query. */
export function splitPath(path: string): { pathname: string; query: URLSearchParams; rawQuery: string } {
  const url = new URL(path, 'http://x');
  return { pathname: url.pathname, query: url.searchParams, rawQuery: url.search.slice(1) };
}

/** JSON answer for a responder. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
}

/** Awaits a promise expected to reject and returns the error. */
export async function failure(promise: Promise<unknown>): Promise<any> {
  return promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: unknown) => error,
  );
}
