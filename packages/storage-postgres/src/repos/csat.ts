import {
  newId,
  type CreateCsatRequestInput,
  type CreateCsatRequestResult,
  type CsatAnswer,
  type CsatRequest,
  type RecordCsatAnswerInput,
  type RecordCsatAnswerResult,
} from '@switchboard/core';
import type { SqlClient } from '../client/sql-client.js';
import { customerRow, date, dateOrNull, messageRow, ticketRow, type Row } from '../rows.js';

// CSAT requests and answers. Each method is one transaction that locks what it decides on (the
// ticket for a request; the customer and the request for an answer), so concurrent calls for one
// closing or one customer serialize and the unique constraints never fire in normal use.

export function csatRequestRow(r: Row): CsatRequest {
  return {
    id: r.id as string,
    ticketId: r.ticket_id as string,
    channelId: r.channel_id as string,
    customerId: r.customer_id as string,
    agentId: (r.agent_id as string | null) ?? null,
    messageId: r.message_id as string,
    closedAt: date(r.closed_at),
    requestedAt: date(r.requested_at),
    expiresAt: date(r.expires_at),
    answeredAt: dateOrNull(r.answered_at),
  };
}

export function csatAnswerRow(r: Row): CsatAnswer {
  return {
    id: r.id as string,
    requestId: r.request_id as string,
    ticketId: r.ticket_id as string,
    channelId: r.channel_id as string,
    customerId: r.customer_id as string,
    agentId: (r.agent_id as string | null) ?? null,
    messageId: r.message_id as string,
    rating: Number(r.rating) as CsatAnswer['rating'],
    at: date(r.at),
  };
}

export async function createCsatRequest(db: SqlClient, input: CreateCsatRequestInput): Promise<CreateCsatRequestResult> {
  return db.transaction(async (tx) => {
    const [ticket] = await tx.query<Row>('SELECT * FROM _sb_.tickets WHERE id = $1 FOR UPDATE', [input.ticketId]);
    if (!ticket) return { created: false, reason: 'ticket_not_found', request: null };
    const closedAt = dateOrNull(ticket.closed_at);
    if (ticket.status !== 'closed' || closedAt?.getTime() !== input.closedAt.getTime()) return { created: false, reason: 'not_closed', request: null };
    const [existing] = await tx.query<Row>('SELECT * FROM _sb_.csat_requests WHERE ticket_id = $1 AND closed_at = $2', [input.ticketId, input.closedAt]);
    if (existing) return { created: false, reason: 'exists', request: csatRequestRow(existing) };
    const [message] = await tx.query<Row>(
      `INSERT INTO _sb_.messages (id, channel_id, ticket_id, customer_id, direction, author, content, provider_message_id, status,
         error, reply_to_provider_message_id, provider_timestamp, created_at, status_at)
       VALUES ($1, $2, $3, $4, 'outbound', '{"type":"system"}'::jsonb, $5::jsonb, NULL, 'pending', NULL, NULL, NULL, $6, $6)
       RETURNING *`,
      [newId('msg'), ticket.channel_id, ticket.id, ticket.customer_id, JSON.stringify(input.content), input.at],
    );
    const [request] = await tx.query<Row>(
      `INSERT INTO _sb_.csat_requests (id, ticket_id, channel_id, customer_id, agent_id, message_id, closed_at, requested_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [newId('evt'), ticket.id, ticket.channel_id, ticket.customer_id, input.agentId, message!.id, input.closedAt, input.at, input.expiresAt],
    );
    return { created: true, request: csatRequestRow(request!), message: messageRow(message!) };
  });
}

export async function recordCsatAnswer(db: SqlClient, input: RecordCsatAnswerInput): Promise<RecordCsatAnswerResult> {
  return db.transaction(async (tx) => {
    // The same per-provider-message lock as inbound: a rating and an inbound delivery of one
    // provider message serialize, and the later one sees the stored row.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('sb-in:' || $1 || ':' || $2, 0))`, [input.channelId, input.providerMessageId]);
    const [seen] = await tx.query<Row>('SELECT * FROM _sb_.messages WHERE channel_id = $1 AND provider_message_id = $2', [input.channelId, input.providerMessageId]);
    if (seen) return { outcome: 'duplicate', message: messageRow(seen) };
    const [known] = await tx.query<Row>('SELECT id FROM _sb_.customers WHERE identity = $1 FOR UPDATE', [input.sender.identity]);
    if (!known) return { outcome: 'no_request' };
    const customerId = known.id as string;
    const [request] = await tx.query<Row>(
      `SELECT * FROM _sb_.csat_requests WHERE customer_id = $1 AND channel_id = $2
        ORDER BY requested_at DESC, id DESC LIMIT 1 FOR UPDATE`,
      [customerId, input.channelId],
    );
    if (!request || request.answered_at !== null || input.at.getTime() > date(request.expires_at).getTime()) return { outcome: 'no_request' };
    const [open] = await tx.query<Row>(`SELECT 1 FROM _sb_.tickets WHERE customer_id = $1 AND channel_id = $2 AND status <> 'closed'`, [customerId, input.channelId]);
    if (open) return { outcome: 'no_request' };

    const [customer] = await tx.query<Row>('SELECT * FROM _sb_.upsert_customer($1, $2, $3, $4, $5)', [
      newId('cus'),
      input.sender.identity,
      input.sender.phone,
      input.sender.name,
      input.at,
    ]);
    await tx.query(
      `INSERT INTO _sb_.customer_channels AS cc (customer_id, channel_id, address, last_inbound_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (customer_id, channel_id) DO UPDATE SET address = excluded.address, last_inbound_at = greatest(cc.last_inbound_at, excluded.last_inbound_at)`,
      [customerId, input.channelId, input.sender.address, input.providerTimestamp ?? input.at],
    );
    const [message] = await tx.query<Row>(
      `INSERT INTO _sb_.messages (id, channel_id, ticket_id, customer_id, direction, author, content, provider_message_id, status,
         error, reply_to_provider_message_id, provider_timestamp, created_at, status_at)
       VALUES ($1, $2, $3, $4, 'inbound', $5::jsonb, $6::jsonb, $7, 'received', NULL, $8, $9, $10, $10)
       RETURNING *`,
      [
        newId('msg'),
        input.channelId,
        request.ticket_id,
        customerId,
        JSON.stringify({ type: 'customer', id: customerId }),
        JSON.stringify(input.content),
        input.providerMessageId,
        input.replyToProviderMessageId,
        input.providerTimestamp,
        input.at,
      ],
    );
    const [answered] = await tx.query<Row>('UPDATE _sb_.csat_requests SET answered_at = $2 WHERE id = $1 RETURNING *', [request.id, input.at]);
    const [answer] = await tx.query<Row>(
      `INSERT INTO _sb_.csat_answers (id, request_id, ticket_id, channel_id, customer_id, agent_id, message_id, rating, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [newId('evt'), request.id, request.ticket_id, request.channel_id, customerId, request.agent_id, message!.id, input.rating, input.at],
    );
    const [ticket] = await tx.query<Row>('SELECT * FROM _sb_.tickets WHERE id = $1', [request.ticket_id]);
    return {
      outcome: 'recorded',
      message: messageRow(message!),
      answer: csatAnswerRow(answer!),
      request: csatRequestRow(answered!),
      ticket: ticketRow(ticket!),
      customer: customerRow(customer!),
    };
  });
}
