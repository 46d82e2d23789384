import type { InboundSender } from '../driver/driver.js';
import { parseWhatsAppId } from '../phone/whatsapp-id.js';

/**
 * The normalized sender for a WhatsApp-Web chat id (WAHA, WPPConnect, whatsapp-web.js):
 * `…@c.us` ids carry their E.164 phone; `…@lid` ids stay opaque addresses without a phone (never
 * formatted as one); groups, broadcasts and channels are not customers and give null.
 *
 * @throws InvalidPhoneError for malformed ids.
 */
export function senderFromChatId(chatId: string, name?: string): InboundSender | null {
  const id = parseWhatsAppId(chatId);
  const named = name?.trim() ? { name: name.trim() } : {};
  if (id.kind === 'user') return { address: id.id, phone: id.phone, ...named };
  if (id.kind === 'lid') return { address: id.id, ...named };
  return null;
}
