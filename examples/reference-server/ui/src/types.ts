/** The JSON shapes the reference server sends (see /api/v1/openapi.json). Dates are ISO strings. */

export type Role = 'admin' | 'manager' | 'agent';
export type TicketStatus = 'queued' | 'open' | 'pending' | 'closed';
export type MessageStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface User {
  id: string;
  username: string;
  name: string;
  role: Role;
  agentId: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Agent {
  id: string;
  name: string;
  capacity: number;
  status: 'online' | 'offline';
  branch: string | null;
  skills: string[];
  openTickets?: number;
}

export interface Customer {
  id: string;
  phone: string | null;
  name: string | null;
  tags: string[];
  optedOut: boolean;
  createdAt: string;
}

export interface Ticket {
  id: string;
  channelId: string;
  customerId: string;
  status: TicketStatus;
  assigneeId: string | null;
  branch: string | null;
  openedAt: string;
  queuedAt?: string | null;
  closedAt: string | null;
  lastActivityAt: string;
  lastInboundAt: string | null;
  lastAgentReplyAt: string | null;
}

export interface InboxTicket extends Ticket {
  customer: { id: string; name: string | null; phone: string | null } | null;
  lastMessage: { id: string; direction: 'inbound' | 'outbound'; status: MessageStatus; preview: string; createdAt: string } | null;
  unread: number;
}

export interface TicketEvent {
  id: string;
  type: string;
  toStatus: TicketStatus;
  fromAgentId: string | null;
  toAgentId: string | null;
  toBranch: string | null;
  reason: string | null;
  at: string;
}

export interface MessageContent {
  type: string;
  text?: string;
  kind?: string;
  caption?: string;
  filename?: string;
  url?: string;
  mimeType?: string;
  latitude?: number;
  longitude?: number;
  name?: string;
  emoji?: string;
  [key: string]: unknown;
}

export interface Message {
  id: string;
  ticketId: string | null;
  customerId: string;
  direction: 'inbound' | 'outbound';
  author: { type: string; id?: string };
  content: MessageContent;
  status: MessageStatus;
  error: { code: string; message: string } | null;
  createdAt: string;
  statusAt: string;
}

export interface Note {
  id: string;
  author: { type: string; id?: string };
  text: string;
  createdAt: string;
}

export interface QuickReply {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  category: string | null;
  ownerAgentId: string | null;
}

/** One Server-Sent Event from /api/v1/events. */
export interface LiveUpdate {
  id: string;
  name: string;
  at: string;
  data: {
    ticket?: { id: string; status: TicketStatus; assigneeId: string | null; customerId: string; channelId: string };
    message?: { id: string; ticketId: string | null; customerId: string; direction: 'inbound' | 'outbound'; status: MessageStatus; preview: string; createdAt: string };
    customer?: { id: string; name: string | null };
    agent?: { id: string; status: 'online' | 'offline' };
    channel?: { id: string; state: string; qr: boolean };
    notification?: { id: string; status: string; key: string };
    fromAgentId?: string | null;
  };
}
