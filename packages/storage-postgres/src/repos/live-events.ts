import { randomBytes } from 'node:crypto';
import type { LiveEvent } from '@switchboard/core';
import type { SqlClient } from '../client/sql-client.js';

/**
 * Live events over LISTEN/NOTIFY on one channel per schema. A payload is a JSON array of events.
 * A NOTIFY payload is limited to 8000 bytes; an event whose JSON is larger than `INLINE_LIMIT`
 * bytes is stored in `live_event_payloads` and the notification carries `@<id>` instead (rows
 * older than `PAYLOAD_TTL` are removed by later publishes). Delivery is best-effort: events sent
 * while a listening connection is down are lost.
 */
export const INLINE_LIMIT = 7_500;
const PAYLOAD_TTL = '10 minutes';

export const liveChannel = (schema: string): string => `${schema}_live`;

/** Most notifications one `pg_notify` statement sends. */
const BATCH_LIMIT = 50;
/**
 * How long the first event of a batch waits for others. Each statement is a transaction of its
 * own (a commit), so under a burst of inbound messages a short wait sends far fewer of them;
 * live events are for screens, where a few milliseconds go unnoticed. (bench/inbound.ts at
 * concurrency 8: 5 ms cut the database and app CPU per message by a tenth.)
 */
const LINGER_MS = 5;

/**
 * Publishes live events. Events published while a statement is in flight (or within `LINGER_MS`
 * of the first) go out together: packed into as few notifications as fit (each payload a JSON
 * array of events, at most `INLINE_LIMIT` bytes), sent by one statement, in publish order. A
 * burst of inbound messages then costs one round trip per batch, and every listening instance
 * reads a few notifications rather than one per event.
 */
export class LiveEventPublisher {
  #pending: Array<{ json: string; bytes: number; done: (error?: unknown) => void }> = [];
  #flushing = false;

  constructor(private readonly db: () => SqlClient) {}

  publish(event: LiveEvent): Promise<void> {
    const json = JSON.stringify(event);
    const bytes = Buffer.byteLength(json, 'utf8');
    // Two bytes for the array brackets around a lone event.
    if (bytes + 2 > INLINE_LIMIT) return publishStored(this.db(), `[${json}]`);
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ json, bytes, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.#flushing) {
        this.#flushing = true;
        setTimeout(() => void this.#flush(), LINGER_MS);
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      const payloads: string[] = [];
      let current: string[] = [];
      let size = 2;
      for (const item of batch) {
        if (current.length > 0 && size + item.bytes + 1 > INLINE_LIMIT) {
          payloads.push(`[${current.join(',')}]`);
          current = [];
          size = 2;
        }
        current.push(item.json);
        size += item.bytes + 1;
      }
      payloads.push(`[${current.join(',')}]`);
      try {
        const db = this.db();
        for (let i = 0; i < payloads.length; i += BATCH_LIMIT) {
          await db.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS e(p, n) ORDER BY n', [
            liveChannel(db.schema),
            payloads.slice(i, i + BATCH_LIMIT),
          ]);
        }
        for (const item of batch) item.done();
      } catch (error) {
        for (const item of batch) item.done(error);
      }
    }
    this.#flushing = false;
  }
}

/** An event too large for a notification: stored, and notified by id. */
async function publishStored(db: SqlClient, payload: string): Promise<void> {
  const id = randomBytes(12).toString('hex');
  // One statement: the row is committed before the notification is delivered (NOTIFY fires at commit).
  await db.query(
    `WITH old AS (DELETE FROM _sb_.live_event_payloads WHERE created_at < now() - interval '${PAYLOAD_TTL}'),
     stored AS (INSERT INTO _sb_.live_event_payloads (id, payload) VALUES ($1, $2) RETURNING id)
     SELECT pg_notify($3, '@' || id) FROM stored`,
    [id, payload, liveChannel(db.schema)],
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
      let events: LiveEvent[];
      try {
        const parsed = JSON.parse(json) as LiveEvent | LiveEvent[];
        events = Array.isArray(parsed) ? parsed : [parsed];
      } catch {
        return; // Not ours: someone else NOTIFYing on the channel.
      }
      const listeners = [...this.#listeners];
      for (const event of events) {
        for (const listener of listeners) {
          try {
            // Each subscriber gets its own copy of the event.
            listener(listeners.length === 1 ? event : structuredClone(event));
          } catch {
            // A subscriber's failure never stops delivery to the others.
          }
        }
      }
    }).catch(() => {});
  }
}
