import {
  NotFoundError,
  TicketClosedError,
  newId,
  type ApplyDeliveryStatusInput,
  type ApplyDeliveryStatusResult,
  type InsertOutboundInput,
  type Message,
  type MessageQuery,
  type Page,
  type RecordSendResultInput,
} from '@switchboard/core';
import type { SqlClient, SqlExecutor } from '../client/sql-client.js';
import { messageRow, pageOf, type Row } from '../rows.js';
import { searchLexemes } from './search.js';

const FAILED_DEFAULT = { code: 'failed', message: 'The provider reported the message as failed.' };

/** One statement: bump the ticket (unless closed and a reply requires it open) and insert the message. */
export async function insertOutboundMessage(db: SqlExecutor, input: InsertOutboundInput): Promise<Message> {
  const rows = await db.query<{ message: Row | null; ticket_status: string | null }>(
    `WITH u AS (
       UPDATE _sb_.tickets SET
         last_activity_at = greatest(last_activity_at, $9),
         last_agent_reply_at = CASE WHEN $10 THEN greatest(last_agent_reply_at, $9) ELSE last_agent_reply_at END
       WHERE id = $3 AND NOT ($8 AND status = 'closed')
       RETURNING id
     ), m AS (
       INSERT INTO _sb_.messages (id, channel_id, ticket_id, customer_id, direction, author, content, status, reply_to_provider_message_id, created_at, status_at, search_tsv)
       SELECT $1, $2, $3, $4, 'outbound', $5::text::jsonb, $6::text::jsonb, 'pending', $7, $9, $9, array_to_tsvector($11::text[])
       WHERE $3::text IS NULL OR EXISTS (SELECT 1 FROM u)
       RETURNING *
     )
     SELECT (SELECT row_to_json(m.*) FROM m) AS message, (SELECT status FROM _sb_.tickets WHERE id = $3) AS ticket_status`,
    [
      newId('msg'),
      input.channelId,
      input.ticketId,
      input.customerId,
      JSON.stringify(input.author),
      JSON.stringify(input.content),
      input.replyToProviderMessageId,
      input.requireOpenTicket,
      input.at,
      input.author.type === 'agent',
      searchLexemes(input.content),
    ],
  );
  const row = rows[0]!;
  if (row.message) return messageRow(typeof row.message === 'string' ? (JSON.parse(row.message) as Row) : row.message);
  if (row.ticket_status === null) throw new NotFoundError('ticket', input.ticketId!);
  throw new TicketClosedError(input.ticketId!, 'reply to it');
}

/** Move a locked message forward if the rank allows; true when it changed. */
async function advance(tx: SqlExecutor, id: string, status: string, error: unknown, at: Date): Promise<Row | undefined> {
  const rows = await tx.query<Row>(
    `UPDATE _sb_.messages SET status = $2, status_at = $3,
       error = CASE WHEN $2 = 'failed' THEN $4::text::jsonb ELSE error END
     WHERE id = $1 AND _sb_.can_advance_status(status, $2)
     RETURNING *`,
    [id, status, at, JSON.stringify(error ?? FAILED_DEFAULT)],
  );
  return rows[0];
}

export async function recordSendResult(client: SqlClient, input: RecordSendResultInput): Promise<Message | null> {
  return client.transaction(async (tx) => {
    const locked = await tx.query<Row>('SELECT * FROM _sb_.messages WHERE id = $1 FOR UPDATE', [input.messageId]);
    if (!locked[0]) return null;
    if (input.status === 'failed') {
      return messageRow((await advance(tx, input.messageId, 'failed', input.error, input.at)) ?? locked[0]);
    }
    let row = (
      await tx.query<Row>(
        `UPDATE _sb_.messages SET provider_message_id = $2,
           status = CASE WHEN _sb_.can_advance_status(status, 'sent') THEN 'sent' ELSE status END,
           status_at = CASE WHEN _sb_.can_advance_status(status, 'sent') THEN $3 ELSE status_at END
         WHERE id = $1 RETURNING *`,
        [input.messageId, input.providerMessageId, input.at],
      )
    )[0]!;
    const early = await tx.query<Row>('DELETE FROM _sb_.early_receipts WHERE channel_id = $1 AND provider_message_id = $2 RETURNING *', [
      row.channel_id,
      input.providerMessageId,
    ]);
    if (early[0]) row = (await advance(tx, input.messageId, early[0].status as string, early[0].error, early[0].at as Date)) ?? row;
    return messageRow(row);
  });
}

/** Keep a receipt for a message not known yet, unless a later one is already kept. */
export async function bufferReceipt(db: SqlExecutor, input: ApplyDeliveryStatusInput): Promise<void> {
  await db.query(
    `INSERT INTO _sb_.early_receipts AS e (channel_id, provider_message_id, status, error, at)
     VALUES ($1, $2, $3, $4::text::jsonb, $5)
     ON CONFLICT (channel_id, provider_message_id) DO UPDATE SET status = excluded.status, error = excluded.error, at = excluded.at
     WHERE _sb_.can_advance_status(e.status, excluded.status)`,
    [input.channelId, input.providerMessageId, input.status, input.error ? JSON.stringify(input.error) : null, input.at],
  );
}

/** Drop buffered receipts older than the cutoff (for messages never recorded here). */
export async function purgeEarlyReceipts(db: SqlExecutor, input: { receivedBefore: Date }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'WITH gone AS (DELETE FROM _sb_.early_receipts WHERE at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
    [input.receivedBefore],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function applyDeliveryStatus(client: SqlClient, input: ApplyDeliveryStatusInput): Promise<ApplyDeliveryStatusResult> {
  return client.transaction(async (tx) => {
    let message: Row | undefined;
    if (input.reference) {
      message = (
        await tx.query<Row>(`SELECT * FROM _sb_.messages WHERE id = $1 AND channel_id = $2 AND direction = 'outbound' FOR UPDATE`, [
          input.reference,
          input.channelId,
        ])
      )[0];
      if (message && message.provider_message_id === null) {
        message = (await tx.query<Row>('UPDATE _sb_.messages SET provider_message_id = $2 WHERE id = $1 RETURNING *', [message.id, input.providerMessageId]))[0];
      }
    }
    message ??= (
      await tx.query<Row>('SELECT * FROM _sb_.messages WHERE channel_id = $1 AND provider_message_id = $2 FOR UPDATE', [input.channelId, input.providerMessageId])
    )[0];
    if (!message || message.direction !== 'outbound') {
      if (input.bufferIfUnknown === false) return { outcome: 'unknown' };
      await bufferReceipt(tx, input);
      return { outcome: 'buffered' };
    }
    const previous = message.status as Message['status'];
    const updated = await advance(tx, message.id as string, input.status, input.error, input.at);
    if (!updated) return { outcome: 'ignored', message: messageRow(message) };
    return { outcome: 'applied', message: messageRow(updated), previous };
  });
}

export async function retryMessage(db: SqlExecutor, input: { messageId: string; at: Date }): Promise<Message | null> {
  const rows = await db.query<Row>(
    `UPDATE _sb_.messages SET provider_message_id = NULL, status = 'pending', error = NULL, status_at = $2
     WHERE id = $1 AND status = 'failed' RETURNING *`,
    [input.messageId, input.at],
  );
  return rows[0] ? messageRow(rows[0]) : null;
}

export async function getMessage(db: SqlExecutor, id: string): Promise<Message | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.messages WHERE id = $1', [id]);
  return rows[0] ? messageRow(rows[0]) : null;
}

export async function findMessageByProviderId(db: SqlExecutor, channelId: string, providerMessageId: string): Promise<Message | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.messages WHERE channel_id = $1 AND provider_message_id = $2', [channelId, providerMessageId]);
  return rows[0] ? messageRow(rows[0]) : null;
}

export async function listMessages(db: SqlExecutor, query: MessageQuery): Promise<Page<Message>> {
  const descending = query.order === 'desc';
  const byTicket = query.ticketId !== undefined;
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.messages
     WHERE ${byTicket ? 'ticket_id = $1 AND ($2::text IS NULL OR customer_id = $2)' : 'customer_id = $2 AND $1::text IS NULL'}
       AND ($3::text IS NULL OR id ${descending ? '<' : '>'} $3)
     ORDER BY id ${descending ? 'DESC' : 'ASC'} LIMIT $4`,
    [query.ticketId ?? null, byTicket ? (query.customerId ?? null) : (query.customerId ?? ''), query.cursor ?? null, query.limit + 1],
  );
  return pageOf(rows, query.limit, messageRow);
}
