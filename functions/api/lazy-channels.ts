import type { AwsChannelServices } from '../../lib/notify/aws-services.js';
import type { Channel } from '../../lib/notify/channel.js';
import { LazyModule } from '../../lib/pipeline/lazy-module.js';

/**
 * The channels' code (every channel's sender, the renderer they use, their
 * providers' signing), about 40 KB minified, which only the requests about
 * receivers and configs and test sends need: loaded with the first of them.
 */
const registry = new LazyModule('the channel registry', () => import('../../lib/notify/channel-registry.js'));
const channels = () => registry.get().channelRegistry;

/**
 * The channel registry for the API: reading it before the registry is loaded
 * throws ModuleNotLoadedError, which the handler's `withLazyModules` answers
 * by loading it and running the request again. Every route reads the registry
 * before it writes (it validates the channel and its settings first).
 */
export const lazyChannelRegistry: ReadonlyMap<string, Channel<unknown>> = {
  get: (type) => channels().get(type),
  has: (type) => channels().has(type),
  get size() {
    return channels().size;
  },
  keys: () => channels().keys(),
  values: () => channels().values(),
  entries: () => channels().entries(),
  forEach: (callback, thisArg?: unknown) => channels().forEach(callback, thisArg),
  [Symbol.iterator]: () => channels()[Symbol.iterator](),
};

/** SES and SNS for test sends of the email-ses and sms-sns channels: their client cache loads with the first. */
const awsChannels = () => import('../../lib/aws/aws-channel-services.js');
export const lazyAwsChannelServices: AwsChannelServices = {
  sendEmail: async (...args) => (await awsChannels()).awsChannelServices.sendEmail(...args),
  publishSms: async (...args) => (await awsChannels()).awsChannelServices.publishSms(...args),
};
