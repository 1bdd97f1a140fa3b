import type { Channel } from './channel.js';
import { withScrubbedErrors } from './channels/provider-error.js';
import { smtpEmailChannel } from './channels/email-smtp.js';
import { sesEmailChannel } from './channels/email-ses.js';
import { pagerDutyChannel } from './channels/pagerduty.js';
import { pushoverChannel } from './channels/pushover.js';
import { aliyunSmsChannel } from './channels/sms-aliyun.js';
import { huaweiSmsChannel } from './channels/sms-huawei.js';
import { snsSmsChannel } from './channels/sms-sns.js';
import { tencentSmsChannel } from './channels/sms-tencent.js';
import { webhookChannel } from './channels/webhook.js';
import { dingTalkChannel } from './channels/dingtalk.js';
import { discordChannel } from './channels/discord.js';
import { feishuChannel } from './channels/feishu.js';
import { googleChatChannel } from './channels/google-chat.js';
import { slackChannel } from './channels/slack.js';
import { teamsChannel } from './channels/teams.js';
import { telegramChannel } from './channels/telegram.js';
import { weComAppChannel } from './channels/wecom-app.js';
import { weComChannel } from './channels/wecom.js';

/**
 * Every channel tidings can deliver to, by receiver `channel` type, each with
 * a last scrub of its errors by its declared secret settings. Adding a channel
 * is one line here.
 */
export const channelRegistry: ReadonlyMap<string, Channel<unknown>> = new Map<string, Channel<unknown>>(
  [
    webhookChannel,
    pagerDutyChannel,
    pushoverChannel,
    smtpEmailChannel,
    sesEmailChannel,
    snsSmsChannel,
    aliyunSmsChannel,
    tencentSmsChannel,
    huaweiSmsChannel,
    slackChannel,
    dingTalkChannel,
    feishuChannel,
    weComChannel,
    weComAppChannel,
    teamsChannel,
    discordChannel,
    telegramChannel,
    googleChatChannel,
  ].map((channel: Channel<unknown>) => [channel.type, withScrubbedErrors(channel)]),
);
