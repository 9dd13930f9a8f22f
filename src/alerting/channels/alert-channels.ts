import { EmailChannel } from './email.channel';
import { SlackChannel } from './slack.channel';
import { SmsChannel } from './sms.channel';
import { WebhookChannel } from './webhook.channel';

// One list for module wiring, so adding a channel is a change in one place.
export const ALERT_CHANNEL_CLASSES = [SlackChannel, EmailChannel, SmsChannel, WebhookChannel];
