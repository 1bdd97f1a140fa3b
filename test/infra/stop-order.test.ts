import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.js';
import { adminClient, eventually, startTestStack, TEST_ADMIN_KEY } from '../helpers/local-stack.js';
import { portOpen } from '../helpers/raw-http.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};


/** A webhook receiver that holds each request until the test releases it. */
async function holdingReceiver() {
  const held: ServerResponse[] = [];
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    release: () => held.splice(0).forEach((res) => res.writeHead(200).end('ok')),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('stopping the local stack', () => {
  // Starts a DynamoDB Local of its own: on a busy machine a JVM alone can take many seconds.
  it('stops HTTP first, lets a handler finish its batch and delete it, then stops the stand-ins', { timeout: 120_000 }, async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'tidings-stop-'));
    const receiver = await holdingReceiver();
    const stack = await startTestStack({ dataDir });
    try {
      const admin = adminClient(stack);
      const cluster = await admin.createCluster('acme', 'stopping');
      await admin.putWebhookReceiver('acme', 'held', `${receiver.url}/held`);
      const posted = await fetch(`${stack.httpUrl}/ingest/${cluster.id}/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'MidBatch' } }]),
      });
      expect(posted.status).toBe(202);
      // The deliver function is now mid-batch, waiting on the receiver.
      await eventually(() => (receiver.received() === 1 ? true : undefined), 30_000, 'the delivery to reach the receiver');

      // Act
      let stopped = false;
      const stopping = stack.stop().then(() => (stopped = true));
      await eventually(async () => ((await portOpen(Number(new URL(stack.httpUrl).port))) ? undefined : true), 10_000, 'HTTP to stop accepting');

      // Assess: the batch is still running, so the stand-ins it needs are still up.
      expect(stopped).toBe(false);
      expect(pidAlive(stack.dynamodbPid)).toBe(true);
      receiver.release();
      await stopping;
      expect(pidAlive(stack.dynamodbPid)).toBe(false);
      expect(await portOpen(Number(new URL(stack.dynamodbEndpoint).port))).toBe(false);
      // The finished batch was deleted before SQS wrote its last snapshot: it would not be sent again.
      // (The groups queue may hold the group's next timer, which is expected.)
      const snapshot = JSON.parse(readFileSync(join(dataDir, 'sqs-messages.json'), 'utf8')) as { queues: Array<{ name: string; messages: unknown[] }> };
      const delivery = snapshot.queues.find((queue) => queue.name === `tidings-${stack.stage}-delivery`);
      expect(delivery?.messages).toEqual([]);
      expect(receiver.received()).toBe(1);
    } finally {
      await stack.stop();
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm start', () => {
  // SIGINT goes to the whole process group, as a terminal's Ctrl-C does; the others to node alone.
  it.each([
    ['SIGINT', 'a terminal Ctrl-C'],
    ['SIGTERM', 'SIGTERM'],
    ['SIGKILL', 'kill -9'],
  ] as const)('leaves no DynamoDB Local behind after %s (%s)', async (signal, _how) => {
    // Prepare
    const ports = { http: await freePort(), dynamodb: await freePort(), sqs: await freePort() };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/local/start.ts', '--in-memory', '--port', String(ports.http), '--dynamodb-port', String(ports.dynamodb), '--sqs-port', String(ports.sqs)],
      { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIDINGS_ADMIN_KEY: TEST_ADMIN_KEY } },
    );
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, sig) => resolve({ code, signal: sig })));
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const jvmPid = await eventually(() => {
      if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
      const match = /DynamoDB Local, pid (\d+)/.exec(output);
      return match === null ? undefined : Number(match[1]);
    }, 60_000, 'the stack to start');
    expect(pidAlive(jvmPid)).toBe(true);

    // Act
    if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
    else child.kill(signal);
    const exit = await exited;

    // Assess
    if (signal === 'SIGKILL') expect(exit.signal).toBe('SIGKILL');
    else expect(exit, output).toEqual({ code: 0, signal: null });
    await eventually(() => (pidAlive(jvmPid) ? undefined : true), 15_000, `java (pid ${jvmPid}) to exit`);
    await eventually(async () => ((await portOpen(ports.dynamodb)) ? undefined : true), 5_000, 'the DynamoDB port to be free');
  }, 90_000);
});
