import type { SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod';
import type { Channel } from '../channel.js';
import { AwsClientCache, awsChannelError, isAwsEndpoint } from './aws-request-handler.js';
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

const clients = new AwsClientCache<SNSClient>();

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
    // Loaded with the first SNS send: the functions that validate or rarely send SMS need not load the SDK.
    const { PublishCommand, SNSClient } = await import('@aws-sdk/client-sns');
    const client = clients.get(settings, context.http, (config) => new SNSClient(config));
    const message = truncateChars(oneLine(renderText('title', notification, context)), settings.maxLength) || 'alert';
    const attributes = {
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      ...(settings.senderId === undefined ? {} : { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: settings.senderId } }),
    };
    try {
      let statusCode = 200;
      // One Publish per number: SNS has no multi-number SMS call.
      for (const phoneNumber of settings.phoneNumbers) {
        const output = await client.send(new PublishCommand({ PhoneNumber: phoneNumber, Message: message, MessageAttributes: attributes }));
        statusCode = output.$metadata.httpStatusCode ?? statusCode;
      }
      return { statusCode };
    } catch (error) {
      // The error names the provider's error code, which a hostile endpoint chooses.
      throw toScrubbedChannelError(awsChannelError(error, 'SNS'), channelSecrets({ secretSettings }, settings));
    }
  },
};
