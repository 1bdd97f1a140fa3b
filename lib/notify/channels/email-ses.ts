import * as z from 'zod';
import { ChannelError, type Channel } from '../channel.js';
import { awsChannelError, isAwsEndpoint } from './aws-request-handler.js';
import { channelSecrets, toScrubbedChannelError } from './provider-error.js';
import { oneLine, renderText, truncateChars } from './message-text.js';

/** Static AWS keys: only for operators who opt in (another account's SES, local stand-ins). */
export const staticAwsCredentialsSchema = z.object({
  accessKeyId: z.string().min(16).max(128),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});

/** An AWS region name such as `eu-west-1`. */
export const awsRegionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as eu-west-1');

const settingsSchema = z
  .object({
    region: awsRegionSchema,
    /** Overrides the regional endpoint (a VPC endpoint, or a local stand-in in tests). */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    /** A verified SES identity, optionally with a display name: `Alerts <alerts@example.com>`. */
    from: z.string().min(3).max(320),
    to: z.array(z.email()).min(1).max(50),
    replyTo: z.array(z.email()).max(50).optional(),
    configurationSetName: z.string().min(1).max(64).optional(),
    /**
     * Absent (the normal case): the Lambda role's credentials from the default
     * provider chain. Present only when the operator chose to store keys.
     */
    credentials: staticAwsCredentialsSchema.optional(),
    timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  })
  .refine((settings) => settings.endpoint === undefined || settings.credentials !== undefined || isAwsEndpoint(settings.endpoint), {
    message: "an endpoint outside amazonaws.com needs explicit credentials: the service role's are only sent to AWS",
    path: ['endpoint'],
  });
export type SesSettings = z.infer<typeof settingsSchema>;

/** Static keys only; the usual case (the function's role) stores none. */
const secretSettings = ['credentials'];

/** Subject lines longer than this are cut; RFC 5322 caps a header line at 998 characters. */
const MAX_SUBJECT_CHARS = 900;

/**
 * Email through Amazon SES v2 `SendEmail`: the AWS-native path, since Lambda
 * cannot open outbound SMTP on port 25. Sends one message with an HTML and a
 * plain-text part, signed with the function's role unless the operator stored keys.
 */
export const sesEmailChannel: Channel<SesSettings> = {
  type: 'email-ses',
  settingsSchema,
  secretSettings,
  redact(settings) {
    const { credentials, ...rest } = settings;
    return credentials === undefined ? rest : { ...rest, credentials: { accessKeyId: '<secret>', secretAccessKey: '<secret>' } };
  },
  async send(settings, notification, context) {
    if (context.aws === undefined) throw new ChannelError('SES is not available here', false);
    const subject = truncateChars(oneLine(renderText('title', notification, context)), MAX_SUBJECT_CHARS);
    try {
      const statusCode = await context.aws.sendEmail(
        settings,
        {
          from: settings.from,
          to: settings.to,
          replyTo: settings.replyTo,
          configurationSetName: settings.configurationSetName,
          subject,
          text: renderText('text', notification, context),
          html: renderText('html', notification, context),
        },
        context.http,
      );
      return { statusCode: statusCode ?? 200 };
    } catch (error) {
      // The error names the provider's error code, which a hostile endpoint chooses.
      throw toScrubbedChannelError(awsChannelError(error, 'SES'), channelSecrets({ secretSettings }, settings));
    }
  },
};
