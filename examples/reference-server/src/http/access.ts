import { ForbiddenError, type Actor, type Customer, type Ticket } from '@switchboard/core';
import type { Context, MiddlewareHandler } from 'hono';
import type { Role, User } from '../auth/user-store.js';
import type { AppDeps, AppEnv } from './app-env.js';
import { hidden } from './http-errors.js';

/** Only these roles may call the route (403 otherwise). */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get('user').role)) throw new ForbiddenError(`This needs the ${roles.join(' or ')} role.`);
    await next();
  };
}

export const isStaff = (user: User): boolean => user.role === 'admin' || user.role === 'manager';

/** How the user appears in Switchboard's history and audit log. */
export function actorOf(user: User): Actor {
  return user.role === 'agent' && user.agentId ? { type: 'agent', id: user.agentId } : { type: 'user', id: user.id };
}

/** The agent id an `agent` user works as (403 for an agent login without one). */
export function ownAgentId(user: User): string {
  if (!user.agentId) throw new ForbiddenError('This login is not linked to an agent.');
  return user.agentId;
}

export function currentUser(c: Context<AppEnv>): User {
  return c.get('user');
}

/** Agents see a ticket while it is assigned to them; staff see every ticket. Others: 404. */
export async function visibleTicket(deps: AppDeps, user: User, ticketId: string): Promise<Ticket> {
  const ticket = await deps.sb.tickets.get(ticketId);
  if (isStaff(user) || ticket.assigneeId === ownAgentId(user)) return ticket;
  throw hidden('ticket', ticketId);
}

/** Agents see customers they served (a ticket assigned to them now or last); staff see all. */
export async function visibleCustomer(deps: AppDeps, user: User, customerId: string): Promise<Customer> {
  const customer = await deps.sb.customers.get(customerId);
  if (isStaff(user) || (await servedBy(deps, ownAgentId(user), customerId))) return customer;
  throw hidden('customer', customerId);
}

async function servedBy(deps: AppDeps, agentId: string, customerId: string): Promise<boolean> {
  let cursor: string | undefined;
  do {
    const page = await deps.sb.customers.tickets(customerId, { limit: 100, ...(cursor ? { cursor } : {}) });
    if (page.items.some((t) => t.assigneeId === agentId || t.lastAssigneeId === agentId)) return true;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return false;
}
