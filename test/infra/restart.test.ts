import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { adminClient, eventually, startTestStack } from '../helpers/local-stack.js';
import { pipelineIdle } from '../helpers/pipeline-signals.js';

// A file of its own: handler modules keep their SDK clients for the life of the
// process (as in Lambda), so a restarted stack must come back on the same ports.
describe('a restart of the local stack mid-flow', () => {
  // Starts DynamoDB Local twice: on a busy machine a JVM alone can take many seconds.
  it('delivers, once, alerts accepted just before a restart', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidings-restart-'));
    const receiver = await startHttpReceiver();
    try {
      const first = await startTestStack({ dataDir: dir });
      const admin = adminClient(first);
      const cluster = await admin.createCluster('acme', 'restarting');
      // The group waits long enough for the stack to be stopped within it, even on a busy machine.
      await admin.putWebhookReceiver('acme', 'slow', `${receiver.url}/slow`, { groupBy: ['alertname'], groupWait: '8s', groupInterval: '1m' });
      const response = await fetch(`${first.httpUrl}/ingest/${cluster.id}/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ labels: { alertname: 'MidFlight', n: '1' } }, { labels: { alertname: 'MidFlight', n: '2' } }]),
      });
      expect(response.status).toBe(202);
      // Stop once the group is stored and waiting: its timer and state must survive.
      const dynamodb = new DynamoDBClient({ endpoint: first.dynamodbEndpoint, region: 'us-east-1' });
      await eventually(async () => {
        const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: first.resources.get('StateTable')!.ref }));
        return Items.some((item) => item.pk?.S?.startsWith('GROUP#')) ? true : undefined;
      }, 30_000, 'the group to be stored');
      dynamodb.destroy();
      await first.stop();
      expect(receiver.requests).toHaveLength(0);

      const port = (url: string) => Number(new URL(url).port);
      const second = await startTestStack({
        dataDir: dir,
        ports: { http: port(first.httpUrl), dynamodb: port(first.dynamodbEndpoint), sqs: port(first.sqsEndpoint) },
      });
      try {
        await eventually(() => (receiver.requests.length > 0 ? true : undefined), 30_000, 'the delivery after restart');
        // Nothing is left to route, merge, flush or deliver (the group's next timer is a minute away): no second send can come.
        await pipelineIdle(second);
        expect(receiver.requests).toHaveLength(1);
        expect(receiver.requests[0]!.json().alerts).toHaveLength(2);
      } finally {
        await second.stop();
      }
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
