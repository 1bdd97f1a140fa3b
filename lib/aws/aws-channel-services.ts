import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AwsChannelServices } from '../notify/aws-services.js';
import { AwsClientCache } from '../notify/channels/aws-request-handler.js';

const sesClients = new AwsClientCache<SESv2Client>();
const snsClients = new AwsClientCache<SNSClient>();

/**
 * SES and SNS through SDK clients cached per region, endpoint, credentials and
 * timeout. Each SDK loads with its first send: the functions that validate or
 * rarely send email or SMS need not load it.
 */
export const awsChannelServices: AwsChannelServices = {
  async sendEmail(settings, email, http) {
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const client = sesClients.get(settings, http, (config) => new SESv2Client(config));
    const output = await client.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: email.to },
        ...(email.replyTo === undefined ? {} : { ReplyToAddresses: email.replyTo }),
        ...(email.configurationSetName === undefined ? {} : { ConfigurationSetName: email.configurationSetName }),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    return output.$metadata.httpStatusCode;
  },

  async publishSms(settings, sms, http) {
    const { PublishCommand, SNSClient } = await import('@aws-sdk/client-sns');
    const client = snsClients.get(settings, http, (config) => new SNSClient(config));
    const attributes = {
      // Transactional: carriers deliver it with priority.
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      ...(sms.senderId === undefined ? {} : { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: sms.senderId } }),
    };
    const output = await client.send(new PublishCommand({ PhoneNumber: sms.phoneNumber, Message: sms.message, MessageAttributes: attributes }));
    return output.$metadata.httpStatusCode;
  },
};
