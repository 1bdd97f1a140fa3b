import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { PortInUseError } from '../../infra/local/ports.js';
import { adminClient, startTestStack } from '../helpers/local-stack.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tidings-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the local stack', () => {
  it('refuses to start when a port it was told to use is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      await expect(startTestStack({ ports: { http: port } })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      squatter.close();
    }
  });

  // Starts DynamoDB Local twice: on a busy machine a JVM alone can take many seconds.
  it('keeps tables and queued messages across a restart when given a data directory', { timeout: 120_000 }, async () => {
    const first = await startTestStack({ dataDir });
    const cluster = await adminClient(first).createCluster('acme', 'persisted');
    const sqs = new SQSClient({ endpoint: first.sqsEndpoint, region: 'us-east-1' });
    // The DLQ has no consumer, so the message waits there.
    await sqs.send(new SendMessageCommand({ QueueUrl: first.resources.get('AlertsDeadLetterQueue')!.ref, MessageBody: 'parked' }));
    await first.stop();

    // Same ports, as `npm start` uses: handler modules keep their SDK clients for the life of the process, as in Lambda.
    const port = (url: string) => Number(new URL(url).port);
    const second = await startTestStack({
      dataDir,
      ports: { http: port(first.httpUrl), dynamodb: port(first.dynamodbEndpoint), sqs: port(first.sqsEndpoint) },
    });
    try {
      const clusters = await adminClient(second).call('GET', '/v1/accounts/acme/clusters');
      expect(clusters.body.items.map((c: any) => c.id)).toContain(cluster.id);
      const sqsAgain = new SQSClient({ endpoint: second.sqsEndpoint, region: 'us-east-1' });
      const received = await sqsAgain.send(
        new ReceiveMessageCommand({ QueueUrl: second.resources.get('AlertsDeadLetterQueue')!.ref, WaitTimeSeconds: 1 }),
      );
      expect(received.Messages?.map((m) => m.Body)).toEqual(['parked']);
    } finally {
      await second.stop();
    }
  });

});
