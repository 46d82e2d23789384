import { DriverError, errorForLog, parseWhatsAppId, type DriverContext, type E164 } from '@switchboard/core';
import { BoundedMap } from './bounded-map.js';
import type { WahaClient } from './waha-client.js';

const UNKNOWN_TTL_MS = 10 * 60_000;

/** `ctx.storage` key for the phone number behind a `@lid`. */
export function lidStorageKey(lid: string): string {
  return `lid-pn:${lid}`;
}

/**
 * The phone number behind an `@lid` sender, from `GET /api/{session}/lids/{lid}` (WAHA knows it
 * only for contacts and groups where we are admin). Known mappings are kept in the channel's
 * storage; unknown ones are re-asked after 10 minutes. A `@lid`'s own digits are never used.
 */
export class LidResolver {
  readonly #client: WahaClient;
  readonly #session: string;
  readonly #known = new BoundedMap<string, E164>(10_000);
  readonly #unknownUntil = new BoundedMap<string, number>(10_000);

  constructor(client: WahaClient, session: string) {
    this.#client = client;
    this.#session = session;
  }

  async phoneFor(lid: string, ctx: Pick<DriverContext, 'storage' | 'logger' | 'clock'>): Promise<E164 | undefined> {
    const known = this.#known.get(lid);
    if (known) return known;
    const now = ctx.clock.now().getTime();
    if ((this.#unknownUntil.get(lid) ?? 0) > now) return undefined;
    const stored = await ctx.storage.get<{ phone?: unknown }>(lidStorageKey(lid));
    if (typeof stored?.phone === 'string') {
      this.#known.set(lid, stored.phone);
      return stored.phone;
    }
    try {
      const answer = await this.#client.call<{ pn?: unknown } | null>({
        method: 'GET',
        path: `/api/${encodeURIComponent(this.#session)}/lids/${encodeURIComponent(lid)}`,
        operation: 'lids.get',
      });
      const pn = typeof answer?.pn === 'string' ? parseWhatsAppId(answer.pn) : undefined;
      if (pn?.kind !== 'user') {
        this.#unknownUntil.set(lid, now + UNKNOWN_TTL_MS);
        return undefined;
      }
      await ctx.storage.set(lidStorageKey(lid), { phone: pn.phone, pn: pn.id });
      this.#known.set(lid, pn.phone);
      return pn.phone;
    } catch (error) {
      if (error instanceof DriverError && error.code === 'not_found') this.#unknownUntil.set(lid, now + UNKNOWN_TTL_MS);
      else ctx.logger.warn({ err: errorForLog(error) }, 'waha: could not resolve a @lid sender; keeping it without a phone');
      return undefined;
    }
  }
}
