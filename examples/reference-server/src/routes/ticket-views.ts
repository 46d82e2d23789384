import { previewContent, type Message, type Ticket } from '@switchboard/core';
import type { User } from '../auth/user-store.js';
import type { AppDeps } from '../http/app-env.js';
import { z } from '../http/openapi-route.js';
import { TicketSchema, isoDate } from '../http/schemas.js';

const PREVIEW_CHARS = 200;
// Unread counts look at the newest messages only: "99+" is what an inbox shows beyond that.
const UNREAD_SCAN = 100;

export const TicketListItemSchema = TicketSchema.extend({
  customer: z.object({ id: z.string(), name: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  lastMessage: z
    .object({ id: z.string(), direction: z.enum(['inbound', 'outbound']), status: z.string(), preview: z.string(), createdAt: isoDate })
    .nullable(),
  unread: z.number().int().openapi({ description: `Customer messages after this user's read marker (counted up to ${UNREAD_SCAN}).` }),
}).openapi('TicketListItem');

export function messagePreview(message: Message): string {
  const text = previewContent(message.content);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

/** Tickets with what an inbox row needs: the customer, the last message and the unread count. */
export async function inboxRows(deps: AppDeps, user: User, tickets: Ticket[]) {
  const markers = new Map((await deps.auth.users.readMarkers(user.id, tickets.map((t) => t.id))).map((m) => [m.ticketId, m]));
  return Promise.all(
    tickets.map(async (ticket) => {
      const [customer, recent] = await Promise.all([
        deps.sb.customers.get(ticket.customerId).catch(() => null),
        deps.sb.messages.list({ ticketId: ticket.id, order: 'desc', limit: UNREAD_SCAN }),
      ]);
      const readUpTo = markers.get(ticket.id)?.readUpTo ?? null;
      const last = recent.items[0];
      return {
        ...ticket,
        customer: customer ? { id: customer.id, name: customer.name, phone: customer.phone } : null,
        lastMessage: last ? { id: last.id, direction: last.direction, status: last.status, preview: messagePreview(last), createdAt: last.createdAt } : null,
        unread: recent.items.filter((m) => m.direction === 'inbound' && (!readUpTo || m.createdAt > readUpTo)).length,
      };
    }),
  );
}
