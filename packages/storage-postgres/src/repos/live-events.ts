import { randomBytes } from 'node:crypto';
import type { LiveEvent } from '@switchboard/core';
import type { SqlClient } from '../client/sql-client.js';

/**
 * Live events over LISTEN/NOTIFY on one channel per schema. A NOTIFY payload is limited to
 * 8000 bytes; an event whose JSON is larger than `INLINE_LIMIT` bytes is stored in
 * `live_event_payloads` and the notification carries `@<id>` instead (rows older than
 * `PAYLOAD_TTL` are removed by later publishes). Delivery is best-effort: events sent while a
 * listening connection is down are lost.
 */
export const INLINE_LIMIT = 7_500;
const PAYLOAD_TTL = '10 minutes';

export const liveChannel = (schema: string): string => `${schema}_live`;

export async function publishEvent(db: SqlClient, event: LiveEvent): Promise<void> {
  const channel = liveChannel(db.schema);
  const payload = JSON.stringify(event);
  if (Buffer.byteLength(payload, 'utf8') <= INLINE_LIMIT) {
    await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
    return;
  }
  const id = randomBytes(12).toString('hex');
  // One statement: the row is committed before the notification is delivered (NOTIFY fires at commit).
  await db.query(
    `WITH old AS (DELETE FROM _sb_.live_event_payloads WHERE created_at < now() - interval '${PAYLOAD_TTL}'),
     stored AS (INSERT INTO _sb_.live_event_payloads (id, payload) VALUES ($1, $2) RETURNING id)
     SELECT pg_notify($3, '@' || id) FROM stored`,
    [id, payload, channel],
  );
}

/**
 * Fans one LISTEN connection out to every subscriber of a store. Notifications are handled one
 * after another so a stored (large) event never overtakes a later inline one.
 */
export class LiveEventHub {
  readonly #listeners = new Set<(event: LiveEvent) => void>();
  #stop: Promise<() => Promise<void>> | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(private readonly db: () => SqlClient) {}

  async subscribe(listener: (event: LiveEvent) => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    try {
      this.#stop ??= this.db().listen(liveChannel(this.db().schema), { onPayload: (payload) => this.#receive(payload) });
      await this.#stop;
    } catch (error) {
      this.#listeners.delete(listener);
      this.#stop = undefined;
      throw error;
    }
    return async () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      const stop = this.#stop;
      this.#stop = undefined;
      await (await stop)?.();
    };
  }

  /** Stop listening (store close). */
  async close(): Promise<void> {
    this.#listeners.clear();
    const stop = this.#stop;
    this.#stop = undefined;
    await (await stop?.catch(() => undefined))?.();
  }

  #receive(payload: string): void {
    this.#chain = this.#chain.then(async () => {
      let json = payload;
      if (payload.startsWith('@')) {
        const rows = await this.db().query<{ payload: string }>('SELECT payload FROM _sb_.live_event_payloads WHERE id = $1', [payload.slice(1)]);
        if (!rows[0]) return;
        json = rows[0].payload;
      }
      for (const listener of [...this.#listeners]) {
        try {
          listener(JSON.parse(json) as LiveEvent);
        } catch {
          // A subscriber's failure never stops delivery to the others.
        }
      }
    }).catch(() => {});
  }
}
