import type { User } from '../auth/user-store.js';
import type { LiveUpdate } from './live-hub.js';

/** Who may see an update: staff see everything; an agent sees their own tickets' updates, agent presence and channel state. */
export async function visibleTo(user: User, update: LiveUpdate, assigneeOf: (ticketId: string) => Promise<string | null>): Promise<boolean> {
  if (user.role === 'admin' || user.role === 'manager') return true;
  const me = user.agentId;
  if (!me) return false;
  const { data } = update;
  if (data.agent || data.channel) return true;
  if (data.ticket) return data.ticket.assigneeId === me || data.fromAgentId === me;
  if (data.message?.ticketId) return (await assigneeOf(data.message.ticketId)) === me;
  if (data.csat) return data.csat.agentId === me;
  return false;
}
