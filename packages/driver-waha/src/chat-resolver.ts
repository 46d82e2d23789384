import { chatIdFromPhone, DriverError, normalizePhone, type ChannelStorage, type DriverContext, type Recipient } from '@switchboard/core';
import { BoundedMap } from './bounded-map.js';
import { classifyChatId } from './chat-ids.js';
import type { WahaClient } from './waha-client.js';

export interface ResolvedChat {
  chatId: string;
  /** Set when the chat id was derived from the phone (check-exists or its stored answer). */
  canonicalAddress?: string;
}

interface StoredChat {
  chatId: string;
  checkedAt: string;
}

/** `ctx.storage` key under which the canonical chat id of an E.164 phone is remembered. */
export function chatStorageKey(phone: string): string {
  return `chat-id:${phone}`;
}

/**
 * Finds the chat id to send to. A known address (the id the customer wrote from) wins. A bare
 * phone is resolved once with `GET /api/contacts/check-exists` — it knows whether a Brazilian
 * account has the 9th digit and that Mexican mobiles are `521…` — and the answer is kept in the
 * channel's durable storage, so later sends (and other processes) skip the lookup.
 */
export class ChatResolver {
  readonly #client: WahaClient;
  readonly #session: string;
  readonly #checkNumbers: boolean;
  readonly #cache = new BoundedMap<string, string>(10_000);

  constructor(options: { client: WahaClient; session: string; checkNumbers: boolean }) {
    this.#client = options.client;
    this.#session = options.session;
    this.#checkNumbers = options.checkNumbers;
  }

  async resolve(to: Recipient, ctx: Pick<DriverContext, 'storage' | 'logger' | 'clock'>): Promise<ResolvedChat> {
    const { storage, logger } = ctx;
    if (to.address) return { chatId: addressChatId(to.address) };
    if (!to.phone) {
      throw new DriverError('invalid_recipient', 'The recipient has neither a phone nor a WhatsApp address.', { details: { driver: 'waha' } });
    }
    let phone: string;
    try {
      phone = normalizePhone(to.phone);
    } catch (error) {
      throw new DriverError('invalid_recipient', `"${to.phone}" is not a phone number.`, { cause: error, details: { driver: 'waha' } });
    }
    if (!this.#checkNumbers) return { chatId: chatIdFromPhone(phone), canonicalAddress: chatIdFromPhone(phone) };

    const cached = this.#cache.get(phone);
    if (cached) return { chatId: cached, canonicalAddress: cached };
    const key = chatStorageKey(phone);
    const stored = await storage.get<StoredChat>(key);
    if (stored && typeof stored.chatId === 'string') {
      this.#cache.set(phone, stored.chatId);
      return { chatId: stored.chatId, canonicalAddress: stored.chatId };
    }

    const digits = phone.slice(1);
    const answer = await this.#client.call<{ numberExists?: unknown; chatId?: unknown } | null>({
      method: 'GET',
      path: '/api/contacts/check-exists',
      query: { phone: digits, session: this.#session },
      operation: 'contacts.checkExists',
    });
    if (answer?.numberExists === false) {
      throw new DriverError('not_on_whatsapp', `${phone} has no WhatsApp account (WAHA check-exists).`, {
        details: { driver: 'waha', phone },
      });
    }
    if (answer?.numberExists !== true) {
      throw new DriverError('invalid_response', 'WAHA answered check-exists without numberExists.', { retryable: true, details: { driver: 'waha' } });
    }
    const chatId = typeof answer.chatId === 'string' && answer.chatId ? addressChatId(answer.chatId) : chatIdFromPhone(phone);
    await storage.set(key, { chatId, checkedAt: ctx.clock.now().toISOString() } satisfies StoredChat);
    this.#cache.set(phone, chatId);
    if (chatId !== chatIdFromPhone(phone)) logger.debug({}, 'waha: check-exists resolved a chat id other than the plain E.164 digits');
    return { chatId, canonicalAddress: chatId };
  }

  /** Forget a resolution (e.g. after the host learned the number changed). */
  async forget(phone: string, storage: ChannelStorage): Promise<void> {
    const e164 = normalizePhone(phone);
    this.#cache.delete(e164);
    await storage.delete(chatStorageKey(e164));
  }
}

/** A stored/provided address as a sendable chat id. @throws DriverError invalid_recipient */
export function addressChatId(address: string): string {
  const id = classifyChatId(address);
  if (!id || id.kind === 'broadcast' || id.kind === 'newsletter') {
    throw new DriverError('invalid_recipient', `"${address}" is not a WhatsApp chat id this driver sends to.`, { details: { driver: 'waha' } });
  }
  return id.id;
}
