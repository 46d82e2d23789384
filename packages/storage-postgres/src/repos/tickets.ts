import {
  newId,
  type Actor,
  type AssignTicketInput,
  type AssignTicketResult,
  type ChangeTicketStatusInput,
  type Page,
  type QueueTicketInput,
  type Ticket,
  type TicketChangeResult,
  type TicketEvent,
  type TicketEventType,
  type TicketQuery,
  type TicketStatus,
  ticketAfterQueue,
  ticketAfterStatusChange,
} from '@switchboard/core';
import { isUniqueViolation } from '../client/errors.js';
import type { SqlClient, SqlExecutor } from '../client/sql-client.js';
import { pageOf, ticketEventRow, ticketRow, type Row } from '../rows.js';

export async function getTicket(db: SqlExecutor, id: string): Promise<Ticket | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.tickets WHERE id = $1', [id]);
  return rows[0] ? ticketRow(rows[0]) : null;
}

export async function listTickets(db: SqlExecutor, query: TicketQuery): Promise<Page<Ticket>> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.tickets
     WHERE ($1::text IS NULL OR id < $1)
       AND ($2::text[] IS NULL OR status = ANY($2))
       AND ($3::text IS NULL OR assignee_id = $3)
       AND ($4::text IS NULL OR customer_id = $4)
       AND ($5::text IS NULL OR channel_id = $5)
       AND (NOT $6 OR branch IS NOT DISTINCT FROM $7)
     ORDER BY id DESC LIMIT $8`,
    [
      query.cursor ?? null,
      query.status ?? null,
      query.assigneeId ?? null,
      query.customerId ?? null,
      query.channelId ?? null,
      query.branch !== undefined,
      query.branch ?? null,
      query.limit + 1,
    ],
  );
  return pageOf(rows, query.limit, ticketRow);
}

export async function listQueuedTickets(db: SqlExecutor, query: { limit: number; channelId?: string; after?: { queuedAt: Date; id: string } }): Promise<Ticket[]> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.tickets WHERE status = 'queued' AND ($1::text IS NULL OR channel_id = $1)
       AND ($3::timestamptz IS NULL OR (queued_at, id) > ($3, $4::text))
     ORDER BY queued_at, id LIMIT $2`,
    [query.channelId ?? null, query.limit, query.after?.queuedAt ?? null, query.after?.id ?? null],
  );
  return rows.map(ticketRow);
}

export async function listInactiveTickets(db: SqlExecutor, query: { inactiveSince: Date; limit: number }): Promise<Ticket[]> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.tickets WHERE status IN ('open', 'pending') AND last_activity_at <= $1
     ORDER BY last_activity_at, id LIMIT $2`,
    [query.inactiveSince, query.limit],
  );
  return rows.map(ticketRow);
}

export async function listTicketEvents(db: SqlExecutor, ticketId: string): Promise<TicketEvent[]> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.ticket_events WHERE ticket_id = $1 ORDER BY seq', [ticketId]);
  return rows.map(ticketEventRow);
}

type Expect = { statuses?: TicketStatus[]; assigneeId?: string | null } | undefined;

const matches = (ticket: Ticket, expect: Expect): boolean =>
  !expect || ((!expect.statuses || expect.statuses.includes(ticket.status)) && (expect.assigneeId === undefined || ticket.assigneeId === expect.assigneeId));

/** The ticket, locked for the rest of the transaction. */
async function lockTicket(tx: SqlExecutor, id: string): Promise<Ticket | null> {
  const rows = await tx.query<Row>('SELECT * FROM _sb_.tickets WHERE id = $1 FOR UPDATE', [id]);
  return rows[0] ? ticketRow(rows[0]) : null;
}

/** Writes a ticket's new state and the event describing the change in one statement. */
export async function saveTicketChange(
  tx: SqlExecutor,
  from: Ticket,
  next: Ticket,
  change: { type: TicketEventType; actor: Actor; reason: string | null; at: Date },
): Promise<{ ticket: Ticket; event: TicketEvent }> {
  const rows = await tx.query<Row>(
    `WITH t AS (
       UPDATE _sb_.tickets SET status = $2, assignee_id = $3, branch = $4, queued_at = $5, closed_at = $6,
         last_activity_at = $7, reopen_count = $8, last_assignee_id = $9, handoff_at = $10
       WHERE id = $1 RETURNING *
     ), e AS (
       INSERT INTO _sb_.ticket_events (id, ticket_id, type, from_status, to_status, from_agent_id, to_agent_id, from_branch, to_branch, actor, reason, at)
       VALUES ($11, $1, $12, $13, $2, $14, $3, $15, $4, $16::text::jsonb, $17, $18) RETURNING *
     )
     SELECT row_to_json(t.*) AS ticket, row_to_json(e.*) AS event FROM t, e`,
    [
      next.id,
      next.status,
      next.assigneeId,
      next.branch,
      next.queuedAt,
      next.closedAt,
      next.lastActivityAt,
      next.reopenCount,
      next.lastAssigneeId,
      next.handoffAt,
      newId('evt'),
      change.type,
      from.status,
      from.assigneeId,
      from.branch,
      JSON.stringify(change.actor),
      change.reason,
      change.at,
    ],
  );
  const row = rows[0] as { ticket: Row | string; event: Row | string };
  const parse = (v: Row | string): Row => (typeof v === 'string' ? (JSON.parse(v) as Row) : v);
  return { ticket: ticketRow(parse(row.ticket)), event: ticketEventRow(parse(row.event)) };
}


/** One round trip: `_sb_.assign_ticket` (migration 0013) locks, checks capacity and writes. */
export async function assignTicket(client: SqlClient, input: AssignTicketInput): Promise<AssignTicketResult> {
  const rows = await client.query<{ r: AssignReply | string }>('SELECT _sb_.assign_ticket($1::text::jsonb) AS r', [
    JSON.stringify({ ...input, eventId: newId('evt') }),
  ]);
  const raw = rows[0]!.r;
  const reply = typeof raw === 'string' ? (JSON.parse(raw) as AssignReply) : raw;
  const ticket = reply.ticket ? ticketRow(reply.ticket) : null;
  if (!reply.ok) return { ok: false, reason: reply.reason, ticket } as AssignTicketResult;
  return { ok: true, ticket: ticket!, event: ticketEventRow(reply.event!), previousAssigneeId: reply.previousAssigneeId ?? null };
}

type AssignReply =
  | { ok: true; ticket: Row; event: Row; previousAssigneeId: string | null }
  | { ok: false; reason: Extract<AssignTicketResult, { ok: false }>['reason']; ticket: Row | null; event?: undefined; previousAssigneeId?: undefined };

export async function queueTicket(client: SqlClient, input: QueueTicketInput): Promise<TicketChangeResult> {
  try {
    return await client.transaction(async (tx) => {
      const peek = await tx.query<{ customer_id: string }>('SELECT customer_id FROM _sb_.tickets WHERE id = $1', [input.ticketId]);
      if (!peek[0]) return { ok: false, reason: 'ticket_not_found', ticket: null };
      // Same lock order as ingest_inbound (customer, then ticket): reopening races new messages safely.
      await tx.query('SELECT 1 FROM _sb_.customers WHERE id = $1 FOR UPDATE', [peek[0].customer_id]);
      const current = (await lockTicket(tx, input.ticketId))!;
      const conflict = { ok: false as const, reason: 'conflict' as const, ticket: current };
      if (!matches(current, input.expect)) return conflict;
      const reopening = current.status === 'closed';
      if (reopening) {
        if (input.kind !== 'reopened') return conflict;
        const open = await tx.query('SELECT 1 FROM _sb_.tickets WHERE customer_id = $1 AND channel_id = $2 AND status <> $3', [
          current.customerId,
          current.channelId,
          'closed',
        ]);
        if (open.length > 0) return conflict;
      }
      const next = ticketAfterQueue(current, input);
      const { ticket, event } = await saveTicketChange(tx, current, next, { type: input.kind, actor: input.actor, reason: input.reason, at: input.at });
      return { ok: true, ticket, event };
    });
  } catch (error) {
    // The one-open-ticket index refused the reopen: another ticket opened meanwhile.
    if (isUniqueViolation(error)) return { ok: false, reason: 'conflict', ticket: await getTicket(client, input.ticketId) };
    throw error;
  }
}

export async function changeTicketStatus(client: SqlClient, input: ChangeTicketStatusInput): Promise<TicketChangeResult> {
  return client.transaction(async (tx) => {
    const current = await lockTicket(tx, input.ticketId);
    if (!current) return { ok: false, reason: 'ticket_not_found', ticket: null };
    const conflict = { ok: false as const, reason: 'conflict' as const, ticket: current };
    if (input.expect?.statuses && !input.expect.statuses.includes(current.status)) return conflict;
    if (input.expect?.inactiveSince && current.lastActivityAt.getTime() > input.expect.inactiveSince.getTime()) return conflict;
    if (current.status === input.to || current.status === 'closed') return conflict;
    if (input.to === 'open' && current.assigneeId === null) return conflict;
    const next = ticketAfterStatusChange(current, input.to, input.at);
    const { ticket, event } = await saveTicketChange(tx, current, next, {
      type: input.to === 'closed' ? 'closed' : 'status_changed',
      actor: input.actor,
      reason: input.reason,
      at: input.at,
    });
    return { ok: true, ticket, event };
  });
}
