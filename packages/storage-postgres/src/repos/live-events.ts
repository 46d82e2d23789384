import { randomBytes } from 'node:crypto';
import type { LiveEvent } from '@switchboard/core';
import { presenceLockSql } from '../client/listener-presence.js';
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

/** Most notifications one statement sends. */
const BATCH_LIMIT = 50;
/**
 * How long the first event of a batch waits for others. Each statement is a transaction of its
 * own (a commit), so under a burst of inbound messages a short wait sends far fewer of them;
 * live events are for screens, where a few milliseconds go unnoticed. (bench/inbound.ts at
 * concurrency 8: 5 ms cut the database and app CPU per message by a tenth.)
 */
const LINGER_MS = 5;

/**
 * The SQL that sends `notified`'s notifications in order and says how many went out, and its
 * parameters (`$<first>` = channel, `$<first + 1>` = the payloads as one JSON array text: as a
 * `text[]` parameter pg escapes every character of every payload in JavaScript, a few percent of
 * the app's CPU under an inbound burst). A scalar subquery, so another statement can carry it in
 * its select list (run once, committed with that statement's transaction). Its value is what
 * `CarriedNotifications.committed` takes.
 *
 * On a Postgres server, when no connection listens on the channel the notifications are not sent
 * at all (the value is 0: nobody could have received them). A NOTIFY costs the sending
 * transaction a place in the server's notification queue and a cluster-wide lock held through
 * its commit; an instance without live subscribers anywhere (a backend that only ingests and
 * notifies) then pays nothing for them. "Nobody listens" is taking the channel's presence lock
 * exclusively, which every listening connection holds shared, so it fails as soon as one
 * listens; held to the end of the transaction, it also makes a connection that starts listening
 * meanwhile wait for this transaction to end, so its subscribers are ready only once no event it
 * could have missed is still to commit. (Two publishers that both find nobody listening: the
 * second fails to take the lock and simply sends.)
 *
 * Once a statement has found nobody listening, the next ones leave the payloads out (`payloads`
 * null) and only check: 0 when still nobody listens, NULL when someone does, and the events are
 * then handed back and sent by the next statement, payloads included. So an instance nobody
 * listens to does not build, send or parse its events' JSON at all (under an inbound burst half
 * the ingest statements carried about 14 KB of it). PGlite always sends: one connection, whose
 * own locks never conflict.
 */
export function notifySql(
  db: Pick<SqlClient, 'kind'>,
  notified: Pick<CarriedNotifications, 'channel' | 'payloads'>,
  first: number,
): { sql: string; params: string[] } {
  const channel = `$${first}`;
  const nobodyListens = `pg_try_advisory_xact_lock(${presenceLockSql(channel)})`;
  if (notified.payloads === null) return { sql: `(SELECT CASE WHEN ${nobodyListens} THEN 0 END)`, params: [notified.channel] };
  const payloads = `$${first + 1}::text::json`;
  const send = `(SELECT count(*)::int FROM (SELECT pg_notify(${channel}, p) FROM json_array_elements_text(${payloads}) WITH ORDINALITY AS e(p, n) ORDER BY n) AS sent)`;
  return {
    sql: db.kind === 'postgres' ? `(SELECT CASE WHEN ${nobodyListens} THEN 0 ELSE ${send} END)` : send,
    params: [notified.channel, JSON.stringify(notified.payloads)],
  };
}

/** Notifications handed to a statement that sends them in its own transaction (see `take`). */
export interface CarriedNotifications {
  readonly channel: string;
  /** Their payloads, or null: nobody listened last time, so the statement only checks (`notifySql`). */
  readonly payloads: string[] | null;
  /**
   * The statement committed; `notified` is its `notifySql` value. All sent, or 0 (nobody listens:
   * dropped), settles them; anything else (NULL: left out while someone listens) hands them back.
   */
  committed(notified: number | null | undefined): void;
  /** It did not commit (failed, rolled back): they go out again, before anything published later. */
  returned(): void;
}

interface PendingEvent {
  event: LiveEvent;
  /** Its JSON and byte length, once serialized (at publish, or when it is to be sent). */
  json?: string;
  bytes: number;
  done: (error?: unknown) => void;
}

/** An event that does not fit a notification (with the array brackets around it): stored instead (`publishStored`). */
const tooLarge = (bytes: number): boolean => bytes + 2 > INLINE_LIMIT;

function serialize(item: PendingEvent): void {
  item.json = JSON.stringify(item.event);
  item.bytes = Buffer.byteLength(item.json, 'utf8');
}

/**
 * Publishes live events. Events published within `LINGER_MS` of the first go out together:
 * packed into as few notifications as fit (each payload a JSON array of events, at most
 * `INLINE_LIMIT` bytes), in publish order. They go out either in a statement of their own or
 * carried by a statement the store runs anyway (`take`, used by the inbound batcher): under a
 * burst of inbound messages each ingest statement then carries the previous messages' events,
 * saving a transaction and a round trip per batch.
 *
 * Order: notifications are delivered in commit order, so at most one statement carries
 * notifications at a time; the next takes what was published since only after it settled.
 */
export class LiveEventPublisher {
  #pending: PendingEvent[] = [];
  #carrying = false;
  #scheduled = false;
  /** Whether the last statement found someone listening (at first: assume so, and send). */
  #listened = true;

  constructor(private readonly db: () => SqlClient) {}

  /**
   * Queues `event` (the caller hands it over: it must not change afterwards). While nobody
   * listened at the last check it is not even serialized: most likely it is dropped unread; if a
   * listener turned up, it is serialized when it is sent.
   */
  publish(event: LiveEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const item: PendingEvent = { event, bytes: 0, done: (error) => (error === undefined ? resolve() : reject(error)) };
      if (this.#listened || this.db().kind !== 'postgres') {
        serialize(item);
        if (tooLarge(item.bytes)) return this.#store(item);
      }
      this.#pending.push(item);
      this.#schedule(LINGER_MS);
    });
  }

  #store(item: PendingEvent): void {
    publishStored(this.db(), `[${item.json}]`).then(() => item.done(), item.done);
  }

  /** Serializes the waiting events not serialized yet, storing those too large for a notification. */
  #serializePending(): void {
    if (this.#pending.every((item) => item.json !== undefined)) return;
    this.#pending = this.#pending.filter((item) => {
      if (item.json !== undefined) return true;
      serialize(item);
      if (!tooLarge(item.bytes)) return true;
      this.#store(item);
      return false;
    });
  }

  /**
   * The notifications waiting to go out, for a statement about to run that will send them
   * (`notifySql`) and report back; undefined when none wait or another statement carries some.
   */
  take(): CarriedNotifications | undefined {
    return this.#take();
  }

  #take(): (CarriedNotifications & { failed(error: unknown): void }) | undefined {
    if (this.#carrying || this.#pending.length === 0) return undefined;
    const db = this.db();
    const check = !this.#listened && db.kind === 'postgres';
    if (!check) this.#serializePending();
    if (this.#pending.length === 0) return undefined;
    const { items, payloads } = check ? { items: this.#pending, payloads: null } : pack(this.#pending);
    this.#pending = this.#pending.slice(items.length);
    this.#carrying = true;
    let settled = false;
    const settle = (outcome: 'sent' | 'returned' | 'failed', error?: unknown): void => {
      if (settled) return;
      settled = true;
      this.#carrying = false;
      if (outcome === 'returned') this.#pending = items.concat(this.#pending);
      else for (const item of items) item.done(error);
      if (this.#pending.length > 0) this.#schedule(outcome === 'returned' ? 0 : LINGER_MS);
    };
    return {
      channel: liveChannel(db.schema),
      payloads,
      committed: (notified) => {
        if (settled) return;
        const dropped = notified === 0;
        this.#listened = !dropped;
        settle(dropped || (payloads !== null && notified === payloads.length) ? 'sent' : 'returned');
      },
      returned: () => settle('returned'),
      failed: (error) => settle('failed', error),
    };
  }

  #schedule(delayMs: number): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => void this.#flush(), delayMs);
  }

  /** Sends what waits in statements of its own, unless a carrying statement is in flight (it reschedules when it settles). */
  async #flush(): Promise<void> {
    this.#scheduled = false;
    for (let carried = this.#take(); carried; carried = this.#take()) {
      try {
        const db = this.db();
        const notify = notifySql(db, carried, 1);
        const rows = await db.query<{ n: number | null }>(`SELECT ${notify.sql} AS n`, notify.params);
        // Handed back (someone listens after all): the next round of this loop sends them.
        carried.committed(rows[0]?.n);
      } catch (error) {
        // Best-effort: these events are lost, their publishers told.
        carried.failed(error);
      }
    }
  }
}

/** The first events of `pending` that fit in one statement, packed into notification payloads. */
function pack(pending: PendingEvent[]): { items: PendingEvent[]; payloads: string[] } {
  const payloads: string[] = [];
  let current: string[] = [];
  let size = 2;
  let count = 0;
  for (const item of pending) {
    if (current.length > 0 && size + item.bytes + 1 > INLINE_LIMIT) {
      payloads.push(`[${current.join(',')}]`);
      if (payloads.length === BATCH_LIMIT) break;
      current = [];
      size = 2;
    }
    current.push(item.json!);
    size += item.bytes + 1;
    count++;
  }
  if (current.length > 0 && payloads.length < BATCH_LIMIT) payloads.push(`[${current.join(',')}]`);
  return { items: pending.slice(0, count), payloads };
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
