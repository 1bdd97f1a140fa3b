import * as z from 'zod';
import { ChannelError, type Channel } from '../channel.js';
import { awsChannelError, isAwsEndpoint } from './aws-request-handler.js';
import { channelSecrets, toScrubbedChannelError } from './provider-error.js';
import { awsRegionSchema, staticAwsCredentialsSchema } from './email-ses.js';
import { oneLine, renderText, truncateChars } from './message-text.js';

/** An E.164 phone number: `+` and up to 15 digits. */
export const e164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +4915112345678');

const settingsSchema = z
  .object({
    region: awsRegionSchema,
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    phoneNumbers: z.array(e164Schema).min(1).max(20),
    /** Alphanumeric sender ID, where the destination country supports one. */
    senderId: z.string().regex(/^[A-Za-z0-9]{1,11}$/).optional(),
    /**
     * Characters per message. 160 keeps a GSM-7 message to one segment; SNS
     * accepts up to 1600 and bills every segment.
     */
    maxLength: z.number().int().min(20).max(1600).default(160),
    credentials: staticAwsCredentialsSchema.optional(),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .refine((settings) => settings.endpoint === undefined || settings.credentials !== undefined || isAwsEndpoint(settings.endpoint), {
    message: "an endpoint outside amazonaws.com needs explicit credentials: the service role's are only sent to AWS",
    path: ['endpoint'],
  });
export type SnsSmsSettings = z.infer<typeof settingsSchema>;

/** Static keys only; the usual case (the function's role) stores none. */
const secretSettings = ['credentials'];

/**
 * SMS through Amazon SNS `Publish` to a phone number, typed Transactional so
 * carriers deliver it with priority. The text is the one-line title, cut to
 * `maxLength` with a marker.
 */
export const snsSmsChannel: Channel<SnsSmsSettings> = {
  type: 'sms-sns',
  settingsSchema,
  secretSettings,
  redact(settings) {
    const { credentials, ...rest } = settings;
    return {
      ...rest,
      ...(credentials === undefined ? {} : { credentials: { accessKeyId: '<secret>', secretAccessKey: '<secret>' } }),
    };
  },
  async send(settings, notification, context) {
    const aws = context.aws;
    if (aws === undefined) throw new ChannelError('SNS is not available here', false);
    const message = truncateChars(oneLine(renderText('title', notification, context)), settings.maxLength) || 'alert';
    try {
      let statusCode = 200;
      // One Publish per number: SNS has no multi-number SMS call.
      for (const phoneNumber of settings.phoneNumbers) {
        statusCode = (await aws.publishSms(settings, { phoneNumber, message, senderId: settings.senderId }, context.http)) ?? statusCode;
      }
      return { statusCode };
    } catch (error) {
      // The error names the provider's error code, which a hostile endpoint chooses.
      throw toScrubbedChannelError(awsChannelError(error, 'SNS'), channelSecrets({ secretSettings }, settings));
    }
  },
};
