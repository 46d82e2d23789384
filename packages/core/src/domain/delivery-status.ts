import type { MessageStatus } from './model.js';

const RANK: Record<MessageStatus, number> = {
  received: -1,
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
};

/**
 * Whether an outbound message may move from `current` to `next` (guarantee 5: delivery status
 * never goes backwards). Forward moves along pending → sent → delivered → read are allowed.
 * `failed` is accepted only before delivery (a provider cannot fail a message it delivered) and
 * is terminal: nothing but an explicit retry (which the store performs itself) leaves it.
 * Every store implements its monotonic update with this rule (in SQL for Postgres).
 */
export function canAdvanceStatus(current: MessageStatus, next: MessageStatus): boolean {
  if (current === 'received' || next === 'received' || next === 'pending') return false;
  if (current === 'failed') return false;
  if (next === 'failed') return current === 'pending' || current === 'sent';
  return RANK[next] > RANK[current];
}
