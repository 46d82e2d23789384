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

const NOTIFICATION_RANK: Record<string, number> = { pending: 0, retrying: 0, sending: 0, uncertain: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Whether a notification may move from `current` to `next` on a delivery receipt. Like messages:
 * forward only along sent → delivered → read; `failed` and `skipped` are terminal (only an
 * explicit retry leaves `failed`); a provider failure is accepted only before delivery. A receipt
 * for a notification still `sending`, `retrying` or `uncertain` is the truth about an attempt the
 * provider accepted, so it applies (this is how an `uncertain` send is reconciled).
 */
export function canAdvanceNotification(current: string, next: 'sent' | 'delivered' | 'read' | 'failed'): boolean {
  if (current === 'failed' || current === 'skipped') return false;
  const from = NOTIFICATION_RANK[current];
  if (from === undefined) return false;
  if (next === 'failed') return current === 'sending' || current === 'uncertain' || current === 'sent';
  return NOTIFICATION_RANK[next]! > from;
}
