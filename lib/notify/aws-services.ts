import type { OutboundHttp } from '../net/outbound-http.js';

/** The settings the AWS channels share that shape their SDK client. */
export interface AwsClientSettings {
  region: string;
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } | undefined;
  timeoutMs: number;
}

/** One email as SES v2 `SendEmail` sends it: an HTML and a plain-text part. */
export interface SesEmail {
  from: string;
  to: string[];
  replyTo?: string[] | undefined;
  configurationSetName?: string | undefined;
  subject: string;
  text: string;
  html: string;
}

/** One SMS as SNS `Publish` sends it to a phone number. */
export interface SnsSms {
  phoneNumber: string;
  message: string;
  senderId?: string | undefined;
}

/**
 * Amazon SES and SNS for the AWS-native channels. lib/aws implements it (lib/
 * imports no SDK) and the functions pass it in with the channel context; every
 * call goes through the channel's guarded `http`. Errors are the SDK's own, for
 * the channel to classify. Answers the provider's HTTP status, when it gave one.
 */
export interface AwsChannelServices {
  sendEmail(settings: AwsClientSettings, email: SesEmail, http: OutboundHttp): Promise<number | undefined>;
  publishSms(settings: AwsClientSettings, sms: SnsSms, http: OutboundHttp): Promise<number | undefined>;
}
