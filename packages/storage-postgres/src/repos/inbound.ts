import { newId, StoreError, type IngestEchoInput, type IngestInboundInput, type IngestInboundResult, type Message } from '@switchboard/core';
import type { SqlClient } from '../client/sql-client.js';
import { customerRow, messageRow, ticketEventRow, ticketRow, type Row } from '../rows.js';
import { upsertCustomer } from './customers.js';
import { notifySql, type CarriedNotifications } from './live-events.js';
import { searchLexemes } from './search.js';

interface InboundReply {
  duplicate: boolean;
  message: Row;
  customer?: Row;
  customerCreated?: boolean;
  ticket?: Row;
  outcome?: 'created' | 'reopened' | 'existing';
  events?: Row[];
  routing?: { assignment: { ticket: Row; event: Row } | null };
}

/** What `_sb_.ingest_inbound` takes for one message (ids drawn here, so a retry reuses none). */
export function inboundArgs(input: IngestInboundInput): Record<string, unknown> & { identity: string } {
  return {
    channelId: input.channelId,
    providerMessageId: input.providerMessageId,
    identity: input.sender.identity,
    phone: input.sender.phone,
    name: input.sender.name,
    address: input.sender.address,
    content: input.content,
    terms: searchLexemes(input.content),
    providerTimestamp: input.providerTimestamp?.toISOString() ?? null,
    replyTo: input.replyToProviderMessageId,
    at: input.at.toISOString(),
    reopenWindowMs: input.reopenWindowMs,
    branch: input.newTicket.branch,
    skills: input.newTicket.skills,
    customerId: newId('cus'),
    ticketId: newId('tkt'),
    eventId: newId('evt'),
    messageId: newId('msg'),
    ...(input.route ? { route: input.route, routeEventId: newId('evt') } : {}),
  };
}

function inboundResult(raw: InboundReply | string): IngestInboundResult {
  const reply = typeof raw === 'string' ? (JSON.parse(raw) as InboundReply) : raw;
  if (reply.duplicate) return { duplicate: true, message: messageRow(reply.message) };
  return {
    duplicate: false,
    message: messageRow(reply.message),
    customer: customerRow(reply.customer!),
    customerCreated: reply.customerCreated!,
    ticket: ticketRow(reply.ticket!),
    ticketOutcome: reply.outcome!,
    events: reply.events!.map(ticketEventRow),
    ...(reply.routing
      ? { routing: { assignment: reply.routing.assignment && { ticket: ticketRow(reply.routing.assignment.ticket), event: ticketEventRow(reply.routing.assignment.event) } } }
      : {}),
  };
}

/**
 * A statement that also sends the carried notifications (if any) in its transaction: `sql` gets
 * the text to append to its select list, a column `notified` that settles them or hands them
 * back (`CarriedNotifications.committed`).
 */
async function carrying<T extends object>(
  db: SqlClient,
  sql: (selectMore: string) => string,
  params: unknown[],
  carried: CarriedNotifications | undefined,
): Promise<T[]> {
  if (!carried) return db.query<T>(sql(''), params);
  try {
    const notify = notifySql(db, carried, params.length + 1);
    const rows = await db.query<T & { notified: number | null }>(sql(`, ${notify.sql} AS notified`), [...params, ...notify.params]);
    carried.committed(rows[0]?.notified);
    return rows;
  } catch (error) {
    carried.returned();
    throw error;
  }
}

/**
 * Attempts of one message's statement when the database aborts it to resolve a deadlock or a
 * serialization failure (`store_conflict`). The statement is its own transaction, rolled back
 * whole, and a repeated delivery is a duplicate, so running it again is safe; answering the
 * webhook 500 instead would only have the provider deliver it again later.
 */
const CONFLICT_ATTEMPTS = 3;

/** One message, one statement, one round trip (`_sb_.ingest_inbound`, migrations 0010, 0025 and 0027). */
async function ingestOne(db: SqlClient, args: Record<string, unknown>, carried?: CarriedNotifications): Promise<IngestInboundResult> {
  const text = JSON.stringify(args);
  for (let attempt = 1; ; attempt++) {
    try {
      // Carried notifications ride the first attempt only: a failed one hands them back.
      const rows = await carrying<{ r: InboundReply | string }>(db, (more) => `SELECT _sb_.ingest_inbound($1::text::jsonb) AS r${more}`, [text], attempt === 1 ? carried : undefined);
      return inboundResult(rows[0]!.r);
    } catch (error) {
      if (attempt >= CONFLICT_ATTEMPTS || !(error instanceof StoreError && error.code === 'store_conflict')) throw error;
    }
  }
}

interface PendingInbound {
  args: Record<string, unknown> & { identity: string };
  resolve: (result: IngestInboundResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The inbound hot path. Calls go together in one statement (`_sb_.ingest_inbound_batch`,
 * migrations 0023, 0025 and 0027): under a burst the database commits once per batch instead of
 * once per message. When nothing runs, whatever waits goes at once (a lone call, alone). While
 * statements run, the next starts only when a slot is free and the waiting calls are at least an
 * even share of all the outstanding ones (waiting and running, over `maxInFlight` statements).
 * Every message of a statement waits for its commit's WAL flush, so a statement of one message
 * beside one of six (what starting whenever a slot frees settles into) spends a whole commit on
 * one message; even shares settle into statements of equal size (bench/inbound.ts, concurrency
 * 8: four and four, 0.72× → 0.82× of the baseline in one run). At low load nothing waits: with
 * one call running, a second goes at once. A batch takes all its messages' dedupe locks first
 * (migration 0028), then runs in identity order (stable), so inbound statements lock
 * deliveries, then customers and their tickets, then agents, in one order, and cannot deadlock
 * each other. If a batch fails, each of its messages runs alone and gets its own outcome: one
 * bad message never fails the others (a message's own statement aborted by a deadlock or a
 * serialization failure runs again, `CONFLICT_ATTEMPTS`). Each statement also carries the
 * live-event notifications waiting to go out (the previous messages' events), so a burst costs
 * no extra transactions for them; a statement that fails hands them back.
 */
export class InboundBatcher {
  #queue: PendingInbound[] = [];
  #inFlight = 0;
  /** Calls in the running statements. */
  #inFlightCalls = 0;

  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #notifications: { take(): CarriedNotifications | undefined } | undefined;

  constructor(
    private readonly db: SqlClient,
    options: {
      maxInFlight: number;
      maxBatch?: number;
      /** Live-event notifications waiting to go out: each statement carries what it can take. */
      notifications?: { take(): CarriedNotifications | undefined };
    },
  ) {
    this.#maxInFlight = options.maxInFlight;
    this.#maxBatch = options.maxBatch ?? 64;
    this.#notifications = options.notifications;
  }

  ingest(input: IngestInboundInput): Promise<IngestInboundResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ args: inboundArgs(input), resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0 && this.#hasShare()) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      this.#inFlightCalls += batch.length;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#inFlightCalls -= batch.length;
        this.#pump();
      });
    }
  }

  /** Whether the waiting calls make a statement's share of all the outstanding ones (always, when nothing runs). */
  #hasShare(): boolean {
    const waiting = this.#queue.length;
    return this.#inFlight === 0 || waiting * this.#maxInFlight >= waiting + this.#inFlightCalls;
  }

  async #run(batch: PendingInbound[]): Promise<void> {
    if (batch.length === 1) {
      await ingestOne(this.db, batch[0]!.args, this.#notifications?.take()).then(batch[0]!.resolve, batch[0]!.reject);
      return;
    }
    const ordered = [...batch].sort((a, b) => (a.args.identity < b.args.identity ? -1 : a.args.identity > b.args.identity ? 1 : 0));
    let results: IngestInboundResult[] | undefined;
    try {
      const rows = await carrying<{ r: InboundReply | string }>(
        this.db,
        // One JSON text for the whole batch: a text[] parameter is escaped character by character.
        (more) =>
          `SELECT r${more} FROM _sb_.ingest_inbound_batch(ARRAY(SELECT x FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS e (x, n) ORDER BY n)) AS r`,
        [JSON.stringify(ordered.map((p) => p.args))],
        this.#notifications?.take(),
      );
      results = rows.map((row) => inboundResult(row.r));
    } catch {
      // Each message again, alone, below.
    }
    if (results?.length === ordered.length) {
      ordered.forEach((p, i) => p.resolve(results[i]!));
      return;
    }
    await Promise.all(batch.map((p) => ingestOne(this.db, p.args).then(p.resolve, p.reject)));
  }
}

export async function ingestEcho(db: SqlClient, input: IngestEchoInput): Promise<{ duplicate: boolean; message: Message }> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('sb-in:' || $1 || ':' || $2, 0))`, [input.channelId, input.providerMessageId]);
    const seen = await tx.query<Row>('SELECT * FROM _sb_.messages WHERE channel_id = $1 AND provider_message_id = $2', [input.channelId, input.providerMessageId]);
    if (seen[0]) return { duplicate: true, message: messageRow(seen[0]) };
    const { customer } = await upsertCustomer(tx, { ...input.recipient, at: input.at });
    const rows = await tx.query<Row>(
      `WITH route AS (
         INSERT INTO _sb_.customer_channels (customer_id, channel_id, address, last_inbound_at)
         VALUES ($1, $2, $3, NULL) ON CONFLICT (customer_id, channel_id) DO NOTHING
       ), ticket AS (
         UPDATE _sb_.tickets SET
           last_activity_at = greatest(last_activity_at, $4),
           last_agent_reply_at = greatest(last_agent_reply_at, $4)
         WHERE customer_id = $1 AND channel_id = $2 AND status <> 'closed'
         RETURNING id
       )
       INSERT INTO _sb_.messages (id, channel_id, ticket_id, customer_id, direction, author, content, provider_message_id,
                                  status, provider_timestamp, created_at, status_at, search_tsv)
       VALUES ($5, $2, (SELECT id FROM ticket), $1, 'outbound', '{"type":"phone"}', $6::text::jsonb, $7, 'sent', $8, $4, $4, array_to_tsvector($9::text[]))
       RETURNING *`,
      [customer.id, input.channelId, input.recipient.address, input.at, newId('msg'), JSON.stringify(input.content), input.providerMessageId, input.providerTimestamp, searchLexemes(input.content)],
    );
    return { duplicate: false, message: messageRow(rows[0]!) };
  });
}
