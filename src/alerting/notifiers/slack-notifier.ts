import type { Notification } from '../alert-types.js';
import { checkEndpoint, type DeliveryOptions, postJson } from './http-delivery.js';
import type { Notifier } from './notifier.js';

const EMOJI = { firing: ':rotating_light:', repeat: ':repeat:', resolved: ':white_check_mark:', escalation: ':sos:' } as const;

/**
 * Slack incoming webhook: `{ text, blocks }` with the alert text in a section block.
 * @throws TelemetryConfigError when the URL or an option is unusable.
 */
export function slackNotifier(webhookUrl: string, options: DeliveryOptions & { readonly name?: string } = {}): Notifier {
  checkEndpoint('slackNotifier', webhookUrl, options);
  return {
    name: options.name ?? 'slack',
    send: (n: Notification) =>
      postJson(
        webhookUrl,
        {
          text: `${EMOJI[n.kind]} ${n.text.split('\n')[0] ?? ''}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${EMOJI[n.kind]} ${n.text}` } }],
        },
        options,
      ),
  };
}
