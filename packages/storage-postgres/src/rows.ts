import type { Actor, Agent, AgentLoad, AuditEntry, Customer, CustomerChannel, CustomerNote, E164, Message, MessageContent, MessageError, Ticket, TicketEvent } from '@switchboard/core';

/**
 * Row → domain mappers shared by the repositories. A row comes either straight from a SELECT
 * (timestamps as `Date`) or from a plpgsql function's `to_jsonb(row)` (timestamps as ISO text);
 * both map the same way.
 */
export type Row = Record<string, unknown>;

export const date = (value: unknown): Date => (value instanceof Date ? new Date(value.getTime()) : new Date(value as string));
export const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));
const str = (value: unknown): string => value as string;
const strOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : (value as string));
const strings = (value: unknown): string[] => [...((value as string[] | null) ?? [])];
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/** The SQL expression list for agents with their load (non-closed tickets assigned). */
export const AGENT_LOAD_SQL = `a.*, (SELECT count(*)::int FROM _sb_.tickets t WHERE t.assignee_id = a.id AND t.status <> 'closed') AS open_tickets`;

export function agentRow(r: Row): Agent {
  return {
    id: str(r.id),
    name: str(r.name),
    capacity: Number(r.capacity),
    status: r.status as Agent['status'],
    branch: strOrNull(r.branch),
    skills: strings(r.skills),
    lastAssignedAt: dateOrNull(r.last_assigned_at),
    statusChangedAt: date(r.status_changed_at),
    createdAt: date(r.created_at),
  };
}

export const agentLoadRow = (r: Row): AgentLoad => ({ ...agentRow(r), openTickets: Number(r.open_tickets) });

export function customerRow(r: Row): Customer {
  return {
    id: str(r.id),
    phone: strOrNull(r.phone) as E164 | null,
    identity: str(r.identity),
    name: strOrNull(r.name),
    tags: strings(r.tags),
    optedOut: Boolean(r.opted_out),
    optedOutAt: dateOrNull(r.opted_out_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export const customerChannelRow = (r: Row): CustomerChannel => ({
  customerId: str(r.customer_id),
  channelId: str(r.channel_id),
  address: str(r.address),
  lastInboundAt: dateOrNull(r.last_inbound_at),
});

export const noteRow = (r: Row): CustomerNote => ({
  id: str(r.id),
  customerId: str(r.customer_id),
  author: json<Actor>(r.author),
  text: str(r.text),
  createdAt: date(r.created_at),
});

export function ticketRow(r: Row): Ticket {
  return {
    id: str(r.id),
    channelId: str(r.channel_id),
    customerId: str(r.customer_id),
    status: r.status as Ticket['status'],
    assigneeId: strOrNull(r.assignee_id),
    branch: strOrNull(r.branch),
    skills: strings(r.skills),
    openedAt: date(r.opened_at),
    queuedAt: dateOrNull(r.queued_at),
    closedAt: dateOrNull(r.closed_at),
    lastActivityAt: date(r.last_activity_at),
    lastInboundAt: dateOrNull(r.last_inbound_at),
    lastAgentReplyAt: dateOrNull(r.last_agent_reply_at),
    reopenCount: Number(r.reopen_count),
    lastAssigneeId: strOrNull(r.last_assignee_id),
    handoffAt: dateOrNull(r.handoff_at),
  };
}

export function ticketEventRow(r: Row): TicketEvent {
  return {
    id: str(r.id),
    ticketId: str(r.ticket_id),
    type: r.type as TicketEvent['type'],
    fromStatus: strOrNull(r.from_status) as TicketEvent['fromStatus'],
    toStatus: r.to_status as TicketEvent['toStatus'],
    fromAgentId: strOrNull(r.from_agent_id),
    toAgentId: strOrNull(r.to_agent_id),
    fromBranch: strOrNull(r.from_branch),
    toBranch: strOrNull(r.to_branch),
    actor: json<Actor>(r.actor),
    reason: strOrNull(r.reason),
    at: date(r.at),
  };
}

export function messageRow(r: Row): Message {
  return {
    id: str(r.id),
    channelId: str(r.channel_id),
    ticketId: strOrNull(r.ticket_id),
    customerId: str(r.customer_id),
    direction: r.direction as Message['direction'],
    author: json<Actor>(r.author),
    content: json<MessageContent>(r.content),
    providerMessageId: strOrNull(r.provider_message_id),
    status: r.status as Message['status'],
    error: r.error === null || r.error === undefined ? null : json<MessageError>(r.error),
    replyToProviderMessageId: strOrNull(r.reply_to_provider_message_id),
    providerTimestamp: dateOrNull(r.provider_timestamp),
    createdAt: date(r.created_at),
    statusAt: date(r.status_at),
  };
}

export const auditRow = (r: Row): AuditEntry => ({
  id: str(r.id),
  actor: json<Actor>(r.actor),
  action: str(r.action),
  entity: r.entity_type === null || r.entity_type === undefined ? null : { type: str(r.entity_type), id: str(r.entity_id) },
  data: json<Record<string, unknown>>(r.data),
  at: date(r.at),
});

/** Keyset page: the query fetched `limit + 1` rows in order; the extra one only says there is more. */
export function pageOf<T extends { id: string }>(rows: Row[], limit: number, map: (r: Row) => T): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit).map(map);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
