/**
 * The settings a new receiver of each channel starts from: the ones the
 * channel needs (README, Channels), empty, for the user to fill. The API
 * remains the judge: it names any setting that is missing, wrong or unknown.
 */
export const STARTING_SETTINGS: Record<string, Record<string, unknown>> = {
  webhook: { url: '' },
  slack: { webhookUrl: '' },
  'email-smtp': { host: '', port: 587, from: '', to: [], auth: { user: '', password: '' } },
  'email-ses': { region: '', from: '', to: [] },
  dingtalk: { accessToken: '', secret: '' },
  feishu: { token: '', secret: '' },
  wecom: { key: '' },
  'wecom-app': { corpId: '', corpSecret: '', agentId: '', toUser: [] },
  teams: { webhookUrl: '' },
  discord: { webhookUrl: '' },
  telegram: { botToken: '', chatId: '' },
  googlechat: { webhookUrl: '' },
  pagerduty: { routingKey: '' },
  pushover: { token: '', user: '' },
  'sms-sns': { region: '', phoneNumbers: [] },
  'sms-aliyun': { accessKeyId: '', accessKeySecret: '', signName: '', templateCode: '', phoneNumbers: [] },
  'sms-tencent': { secretId: '', secretKey: '', smsSdkAppId: '', signName: '', templateId: '', phoneNumbers: [] },
  'sms-huawei': { appKey: '', appSecret: '', sender: '', templateId: '', signature: '', phoneNumbers: [] },
};

/** The starting settings of a channel, as the settings box shows them. */
export function startingSettingsText(channel: string): string {
  return JSON.stringify(STARTING_SETTINGS[channel] ?? {}, null, 2);
}
