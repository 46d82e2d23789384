import { useI18n } from '../i18n.js';
import type { InboxTicket } from '../types.js';
import { Ticks } from '../components/ticks.js';

/** Waiting on us (the customer wrote last) first, longest wait first; then the most recent activity. */
export function byUrgency(tickets: InboxTicket[]): InboxTicket[] {
  const waitingSince = (x: InboxTicket) => (x.lastMessage?.direction === 'inbound' && x.lastInboundAt ? Date.parse(x.lastInboundAt) : null);
  return [...tickets].sort((a, b) => {
    const wa = waitingSince(a);
    const wb = waitingSince(b);
    if (wa !== null && wb !== null) return wa - wb;
    if (wa !== null) return -1;
    if (wb !== null) return 1;
    return Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);
  });
}

export function displayName(x: { customer: InboxTicket['customer'] }): string {
  return x.customer?.name ?? x.customer?.phone ?? '—';
}

export function Inbox({ tickets, selected, onSelect }: { tickets: InboxTicket[]; selected: string | null; onSelect: (id: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (tickets.length === 0) return <p class="muted pad">{t('console.empty')}</p>;
  return (
    <ul class="inbox" aria-label={t('console.inbox')}>
      {tickets.map((x) => {
        const waiting = x.lastMessage?.direction === 'inbound' && x.lastInboundAt ? Date.now() - Date.parse(x.lastInboundAt) : null;
        return (
          <li key={x.id}>
            <button type="button" class={`inbox-row ${x.id === selected ? 'selected' : ''}`} aria-current={x.id === selected ? 'true' : undefined} data-ticket={x.id} onClick={() => onSelect(x.id)}>
              <span class="row-top">
                <bdi class="row-name">{displayName(x)}</bdi>
                {x.lastMessage && <time class="row-time">{i18n.time(x.lastMessage.createdAt)}</time>}
              </span>
              <span class="row-bottom">
                {x.lastMessage?.direction === 'outbound' && <Ticks status={x.lastMessage.status} />}
                <bdi class="row-preview">{x.lastMessage?.preview ?? ''}</bdi>
                {x.unread > 0 && (
                  <span class="badge" aria-label={t('console.unread', { count: x.unread })}>
                    {i18n.num(x.unread)}
                  </span>
                )}
              </span>
              {waiting !== null && <span class={`row-wait ${waiting > 15 * 60_000 ? 'late' : ''}`}>{t('console.waiting', { duration: i18n.duration(waiting) })}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
