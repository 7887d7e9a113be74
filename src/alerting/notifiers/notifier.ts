import type { Notification } from '../alert-types.js';

/** Delivers notifications to one channel. `send` resolves when delivered and rejects when it gave up. */
export interface Notifier {
  readonly name: string;
  send(notification: Notification): Promise<void>;
}
