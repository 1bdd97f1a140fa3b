import { LazyModule } from '../../lib/pipeline/lazy-module.js';
import type { QueueName, QueuePublisher } from '../../lib/pipeline/queue.js';
import { queueUrls } from './environment.js';

/**
 * The SQS client (sqs-client.ts, about 60 KB minified with its protocol
 * code), loaded on first need: deliver and api use SQS only on some paths
 * (failed records, deferrals, dead-letter replay). Functions that publish on
 * every invocation import sqs-client.ts statically, and then loading it here
 * costs nothing more.
 */
export const sqsClientModule = new LazyModule('the SQS client', () => import('./sqs-client.js'));

/**
 * A publisher whose SQS client loads at the first send. The queue URLs are
 * read now, so a missing variable still fails at cold start.
 */
export function lazyQueuePublisher(queues: QueueName[]): QueuePublisher {
  const urls = queueUrls(queues);
  let publisher: QueuePublisher | undefined;
  return {
    async send(queue, bodies, options) {
      const { publisherFor } = await sqsClientModule.load();
      publisher ??= publisherFor(urls);
      return publisher.send(queue, bodies, options);
    },
  };
}
