import { z } from 'zod';
import { parseOptions, schemaOf } from '../../validation/parse-options.js';
import type { Notification } from '../alert-types.js';
import { deliveryFields, type DeliveryOptions, postJson } from './http-delivery.js';
import type { Notifier } from './notifier.js';

/** Options of the Telegram notifier. */
export interface TelegramOptions extends DeliveryOptions {
  readonly botToken: string;
  readonly chatId: string;
  /** Bot API base; tests point it at 127.0.0.1. Default https://api.telegram.org. */
  readonly apiBase?: string;
  readonly name?: string;
}

const optionsSchema = schemaOf<TelegramOptions>()(
  z.strictObject({
    ...deliveryFields,
    botToken: z.string().regex(/^\d+:[\w-]+$/, 'must be a bot token such as 123456:ABC-DEF (from @BotFather)'),
    chatId: z.string().min(1),
    apiBase: z.url({ protocol: /^https?$/ }).optional(),
  }),
);

/**
 * Telegram Bot API `sendMessage`: POST {base}/bot{token}/sendMessage with chat_id and text.
 * @throws TelemetryConfigError when an option is unusable.
 */
export function telegramNotifier(given: TelegramOptions): Notifier {
  const options = parseOptions(optionsSchema, given, 'telegramNotifier');
  const url = `${(options.apiBase ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${options.botToken}/sendMessage`;
  return {
    name: options.name ?? 'telegram',
    send: (n: Notification) => postJson(url, { chat_id: options.chatId, text: n.text, disable_web_page_preview: true }, options),
  };
}
