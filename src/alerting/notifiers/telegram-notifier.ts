import type { Notification } from '../alert-types.js';
import { type DeliveryOptions, postJson } from './http-delivery.js';
import type { Notifier } from './notifier.js';

/** Options of the Telegram notifier. */
export interface TelegramOptions extends DeliveryOptions {
  readonly botToken: string;
  readonly chatId: string;
  /** Bot API base; tests point it at 127.0.0.1. Default https://api.telegram.org. */
  readonly apiBase?: string;
  readonly name?: string;
}

/** Telegram Bot API `sendMessage`: POST {base}/bot{token}/sendMessage with chat_id and text. */
export function telegramNotifier(options: TelegramOptions): Notifier {
  const url = `${(options.apiBase ?? 'https://api.telegram.org').replace(/\/+$/, '')}/bot${options.botToken}/sendMessage`;
  return {
    name: options.name ?? 'telegram',
    send: (n: Notification) => postJson(url, { chat_id: options.chatId, text: n.text, disable_web_page_preview: true }, options),
  };
}
