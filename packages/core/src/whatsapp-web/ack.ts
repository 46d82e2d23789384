import type { DeliveryStatus } from '../domain/model.js';

/**
 * The WhatsApp-Web ack scale shared by WAHA (`message.ack`), whatsapp-web.js (`MessageAck`) and
 * WPPConnect (`AckType`): −1 error, 0 pending (clock), 1 server, 2 device, 3 read, 4 played.
 * WPPConnect adds −7…−2 (downgrade, inactive, unuploadable, too big, gone, expired), all
 * failures, and 5 (peer), which says nothing about delivery.
 *
 * Returns the delivery status to apply, or null when the ack carries none (pending, peer,
 * unknown values): core applies statuses monotonically, so out-of-order acks are safe.
 */
export function statusFromAck(ack: number): DeliveryStatus | null {
  if (!Number.isInteger(ack)) return null;
  if (ack >= -7 && ack <= -1) return 'failed';
  switch (ack) {
    case 1:
      return 'sent';
    case 2:
      return 'delivered';
    case 3:
    case 4:
      return 'read';
    default:
      return null;
  }
}

/** Human names of the ack values, for logs and error messages. */
export const ACK_NAMES: Readonly<Record<number, string>> = {
  [-7]: 'MD_DOWNGRADE',
  [-6]: 'INACTIVE',
  [-5]: 'CONTENT_UNUPLOADABLE',
  [-4]: 'CONTENT_TOO_BIG',
  [-3]: 'CONTENT_GONE',
  [-2]: 'EXPIRED',
  [-1]: 'ERROR',
  0: 'PENDING',
  1: 'SERVER',
  2: 'DEVICE',
  3: 'READ',
  4: 'PLAYED',
  5: 'PEER',
};
