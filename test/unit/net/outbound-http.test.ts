import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../../../lib/net/address-policy.js';
import { createOutboundHttp, ForbiddenDestinationError, OutboundNetworkError } from '../../../lib/net/outbound-http.js';
import { startHttpReceiver } from '../../helpers/http-receiver.js';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy();

  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
  ])('refuses %s by default', (address) => {
    expect(policy.permits(address)).toBe(false);
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])('permits the public address %s', (address) => {
    expect(policy.permits(address)).toBe(true);
  });

  it('permits exactly what the operator allow-list names', () => {
    const allowing = new AddressPolicy(['127.0.0.1/32', '10.1.0.0/16']);
    expect(allowing.permits('127.0.0.1')).toBe(true);
    expect(allowing.permits('127.0.0.2')).toBe(false);
    expect(allowing.permits('10.1.200.3')).toBe(true);
    expect(allowing.permits('10.2.0.1')).toBe(false);
    expect(allowing.permits('169.254.169.254')).toBe(false);
  });

  it('rejects a malformed allow-list entry at start-up', () => {
    expect(() => new AddressPolicy(['not-an-ip/8'])).toThrowError(/invalid CIDR/);
  });
});

describe('createOutboundHttp', () => {
  let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
  beforeAll(async () => {
    receiver = await startHttpReceiver((request) => ({ status: request.path === '/slow' ? 200 : 201, body: 'created' }));
  });
  afterAll(() => receiver.close());

  it('refuses a loopback URL unless allowed', async () => {
    const http = createOutboundHttp({ policy: new AddressPolicy() });
    await expect(http({ method: 'POST', url: `${receiver.url}/x`, body: '{}', timeoutMs: 1000 })).rejects.toBeInstanceOf(
      ForbiddenDestinationError,
    );
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a hostname that resolves to loopback (the check happens after DNS)', async () => {
    const http = createOutboundHttp({ policy: new AddressPolicy() });
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    await expect(http({ method: 'POST', url, body: '{}', timeoutMs: 1000 })).rejects.toBeInstanceOf(ForbiddenDestinationError);
  });

  it('refuses the cloud metadata address and non-http schemes', async () => {
    const http = createOutboundHttp({ policy: new AddressPolicy() });
    await expect(http({ method: 'GET', url: 'http://169.254.169.254/latest/meta-data/', timeoutMs: 1000 })).rejects.toBeInstanceOf(
      ForbiddenDestinationError,
    );
    await expect(http({ method: 'GET', url: 'file:///etc/passwd', timeoutMs: 1000 })).rejects.toBeInstanceOf(ForbiddenDestinationError);
  });

  it('sends to an allowed address and returns status, headers and body', async () => {
    const http = createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) });
    const response = await http({ method: 'POST', url: `${receiver.url}/hook`, body: '{"a":1}', timeoutMs: 2000, headers: { 'x-test': 'yes' } });
    expect(response.status).toBe(201);
    expect(response.body).toBe('created');
    const received = receiver.requests.at(-1)!;
    expect(received.body).toBe('{"a":1}');
    expect(received.headers['x-test']).toBe('yes');
  });

  it('gives up after the timeout with a retryable network error', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const http = createOutboundHttp({ policy: new AddressPolicy(['127.0.0.1/32']) });
    const started = Date.now();
    await expect(http({ method: 'GET', url: `http://127.0.0.1:${port}/`, timeoutMs: 300 })).rejects.toBeInstanceOf(OutboundNetworkError);
    expect(Date.now() - started).toBeLessThan(5000);
    silent.close();
  });
});
