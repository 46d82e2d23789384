import { errorForLog, type Clock, type Logger } from '@switchboard/core';
import type { WahaClient } from './waha-client.js';
import type { WahaPacingOptions } from './waha-options.js';

/** Typing time for `chars` characters: `minTypingMs + chars × msPerChar`, spread by ±jitter, capped at `maxTypingMs`. */
export function typingDelayMs(chars: number, options: Required<WahaPacingOptions>, random: () => number = Math.random): number {
  const base = Math.min(options.maxTypingMs, options.minTypingMs + Math.max(0, chars) * options.msPerChar);
  const spread = options.jitter * (random() * 2 - 1);
  return Math.round(Math.min(options.maxTypingMs, Math.max(options.minTypingMs, base * (1 + spread))));
}

/**
 * WAHA's "how to avoid blocking" sequence before a send: seen → start typing → wait in
 * proportion to the text → stop typing. The calls around the wait are best effort: a failure is
 * logged and the send still goes out (it fails on its own if the session is down).
 */
export class Pacer {
  readonly #client: WahaClient;
  readonly #session: string;
  readonly #options: Required<WahaPacingOptions>;
  readonly #random: () => number;

  constructor(options: { client: WahaClient; session: string; pacing: Required<WahaPacingOptions>; random?: () => number }) {
    this.#client = options.client;
    this.#session = options.session;
    this.#options = options.pacing;
    this.#random = options.random ?? Math.random;
  }

  async before(chatId: string, chars: number, clock: Clock, logger: Logger): Promise<void> {
    const body = { session: this.#session, chatId };
    const step = async (operation: string, path: string): Promise<void> => {
      try {
        await this.#client.call({ method: 'POST', path, json: body, operation });
      } catch (error) {
        logger.warn({ operation, err: errorForLog(error) }, 'waha pacing step failed; sending anyway');
      }
    };
    if (this.#options.sendSeen) await step('sendSeen', '/api/sendSeen');
    await step('startTyping', '/api/startTyping');
    await clock.sleep(typingDelayMs(chars, this.#options, this.#random));
    await step('stopTyping', '/api/stopTyping');
  }
}
