import { parseArgs } from 'node:util';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { replayDeadLetters } from '../lib/aws/dead-letter-replay.js';

/**
 * `npm run replay -- --queue delivery [--stage prod] [--account acme] [--receiver team-a/pager] [--since ISO] [--until ISO] [--limit N]`
 * moves dead letters back to their queue. Against the local stack (`--stage local`, the default) it talks to
 * the SQS stand-in of `npm start`; otherwise to AWS with the usual credentials and region.
 */
const { values } = parseArgs({
  options: {
    queue: { type: 'string', default: 'delivery' },
    stage: { type: 'string', default: 'local' },
    account: { type: 'string' },
    receiver: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    limit: { type: 'string', default: '1000' },
    endpoint: { type: 'string' },
  },
});
if (!['signals', 'alerts', 'groups', 'delivery'].includes(values.queue!)) {
  console.error('--queue must be one of signals, alerts, groups, delivery');
  process.exit(2);
}
const local = values.stage === 'local';
const sqs = new SQSClient(
  local
    ? { endpoint: values.endpoint ?? `http://127.0.0.1:${process.env.TIDINGS_SQS_PORT ?? '4002'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : values.endpoint === undefined
      ? {}
      : { endpoint: values.endpoint },
);
const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: `tidings-${values.stage}-${name}` }))).QueueUrl!;
const result = await replayDeadLetters(
  sqs,
  { deadLetterUrl: await url(`${values.queue}-dlq`), sourceUrl: await url(values.queue!) },
  {
    ...(values.account === undefined ? {} : { accountId: values.account }),
    ...(values.receiver === undefined ? {} : { receiver: values.receiver }),
    ...(values.since === undefined ? {} : { since: new Date(values.since) }),
    ...(values.until === undefined ? {} : { until: new Date(values.until) }),
  },
  { limit: Number(values.limit) },
);
console.log(`replayed ${result.replayed} message(s) from ${values.queue}-dlq; ${result.skipped} left there`);
