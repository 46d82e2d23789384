import type { ChannelStorage, Recipient } from '../driver/driver.js';
import { DriverError, InvalidPhoneError } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';
import { chatIdFromPhone, parseWhatsAppId } from '../phone/whatsapp-id.js';

export interface ResolveChatIdInput {
  to: Recipient;
  /** The channel's durable storage (`DriverContext.storage`): resolved ids are cached there. */
  storage: ChannelStorage;
  /**
   * Ask the engine for the canonical id of `<digits>@c.us` (WPPConnect `checkNumberStatus(id)
   * .id._serialized`, whatsapp-web.js `getNumberId(digits)._serialized`); null when the number is
   * not on WhatsApp.
   */
  lookup: (chatId: string) => Promise<string | null>;
}

export interface ResolvedChatId {
  /** The id to send to. */
  chatId: string;
  /** True when this call asked the engine (the first send to this phone on this channel). */
  learned: boolean;
}

/** Storage key of the cached canonical chat id for an E.164 phone. */
export function chatIdCacheKey(phone: string): string {
  return `wa.chat-id:${phone}`;
}

/**
 * The chat id to send to on a WhatsApp-Web engine. The provider's own address (the chat the
 * customer wrote from) wins. Otherwise the phone is resolved through the engine once and cached
 * in channel storage: sending to the wrong Brazilian 9th-digit or Mexican `521` variant "succeeds"
 * on these engines but never arrives.
 *
 * @throws DriverError `invalid_request` without a usable phone or address; `undeliverable` when
 *   the number is not on WhatsApp. Errors thrown by `lookup` pass through.
 */
export async function resolveChatId(input: ResolveChatIdInput): Promise<ResolvedChatId> {
  const { to, storage, lookup } = input;
  if (to.address) {
    try {
      const parsed = parseWhatsAppId(to.address);
      if (parsed.kind === 'user' || parsed.kind === 'lid' || parsed.kind === 'group') return { chatId: to.address, learned: false };
    } catch (error) {
      if (!(error instanceof InvalidPhoneError)) throw error;
    }
  }
  if (!to.phone) {
    throw new DriverError('invalid_request', 'The recipient has neither a phone number nor a WhatsApp chat id.', { retryable: false });
  }
  let phone: string;
  try {
    phone = normalizePhone(to.phone);
  } catch (error) {
    throw new DriverError('invalid_request', `The recipient phone "${to.phone}" is not a valid phone number.`, { retryable: false, cause: error });
  }
  const key = chatIdCacheKey(phone);
  const cached = await storage.get<string>(key);
  if (typeof cached === 'string' && cached.length > 0) return { chatId: cached, learned: false };

  const canonical = await lookup(chatIdFromPhone(phone));
  if (!canonical) {
    throw new DriverError('undeliverable', `${phone} is not on WhatsApp.`, { retryable: false, providerCode: 'not_on_whatsapp', details: { phone } });
  }
  try {
    parseWhatsAppId(canonical);
  } catch (error) {
    throw new DriverError('provider_error', `The engine resolved ${phone} to "${canonical}", which is not a WhatsApp chat id.`, { retryable: false, cause: error });
  }
  await storage.set(key, canonical);
  return { chatId: canonical, learned: true };
}
