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
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);
if (!['signals', 'alerts', 'groups', 'delivery'].includes(values.queue!)) {
  console.error('--queue must be one of signals, alerts, groups, delivery');
  process.exit(2);
}
// As in `npm start`: the pinned SDK supports Node 20 until its 2027 releases, so its notice about that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const local = values.stage === 'local';
const endpoint = local ? (values.endpoint ?? `http://127.0.0.1:${process.env.TIDINGS_SQS_PORT ?? '4002'}`) : values.endpoint;
const sqs = new SQSClient(
  local
    ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : endpoint === undefined
      ? {}
      : { endpoint },
);
const url = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: `tidings-${values.stage}-${name}` }))).QueueUrl!;
const replayed = async () =>
  replayDeadLetters(
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
const result = await replayed().catch((error: unknown) => {
  // A connection that fails is the usual mistake (no `npm start` running, a wrong port): say so without a stack trace.
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && UNREACHABLE.has(code)) {
    console.error(`replay: could not reach SQS at ${endpoint ?? 'AWS'} (${code}); is \`npm start\` running?`);
  } else {
    console.error('replay:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
console.log(`replayed ${result.replayed} message(s) from ${values.queue}-dlq; ${result.skipped} left there`);
