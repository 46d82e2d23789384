import { useEffect, useState } from 'preact/hooks';
import { get, post, put } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';
import type { Customer, InboxTicket, Note, Ticket } from '../types.js';

/** Who the customer is: tags, private notes, earlier tickets and the notification opt-out. */
export function CustomerPanel({ ticket }: { ticket: InboxTicket }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [notes, setNotes] = useState<Note[]>([]);
  const [history, setHistory] = useState<Ticket[]>([]);
  const [note, setNote] = useState('');
  const [tag, setTag] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    get<{ customer: Customer }>(`/tickets/${ticket.id}`).then((d) => setCustomer(d.customer), setError);
    get<{ items: Note[] }>(`/tickets/${ticket.id}/notes`).then((r) => setNotes(r.items), setError);
    get<{ items: Ticket[] }>(`/customers/${ticket.customerId}/tickets?limit=10`).then((r) => setHistory(r.items.filter((x) => x.id !== ticket.id)), () => setHistory([]));
  }, [ticket.id, ticket.customerId]);

  const act = (work: () => Promise<void>) => async (e?: Event) => {
    e?.preventDefault();
    try {
      await work();
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  const addNote = act(async () => {
    if (!note.trim()) return;
    const created = await post<Note>(`/tickets/${ticket.id}/notes`, { text: note.trim() });
    setNotes((n) => [...n, created]);
    setNote('');
  });
  const saveTags = (tags: string[]) => act(async () => setCustomer(await put<Customer>(`/customers/${ticket.customerId}/tags`, { tags })));
  const toggleOptOut = act(async () => setCustomer(await post<Customer>(`/customers/${ticket.customerId}/${customer?.optedOut ? 'opt-in' : 'opt-out'}`, {})));

  return (
    <aside class="customer-pane" aria-labelledby="customer-title">
      <h2 id="customer-title">{t('customer.panel')}</h2>
      {customer && (
        <>
          <p class="customer-name">
            <bdi>{customer.name ?? '—'}</bdi>
          </p>
          <p class="muted small">
            {t('customer.phone')}: <bdi dir="ltr">{customer.phone}</bdi>
          </p>
          <h3>{t('customer.tags')}</h3>
          <ul class="tags">
            {customer.tags.map((x) => (
              <li key={x} class="tag">
                {x}
                <button type="button" class="icon" aria-label={`${t('common.delete')} ${x}`} onClick={saveTags(customer.tags.filter((y) => y !== x))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (tag.trim()) void saveTags([...new Set([...customer.tags, tag.trim()])])().then(() => setTag(''));
            }}
          >
            <label class="visually-hidden" for="new-tag">
              {t('customer.addTag')}
            </label>
            <input id="new-tag" value={tag} placeholder={t('customer.addTag')} onInput={(e) => setTag(e.currentTarget.value)} />
            <button type="submit">{t('common.add')}</button>
          </form>
          <p>
            {customer.optedOut && <span class="pill warn">{t('customer.optedOut')}</span>}{' '}
            <button type="button" class="link" onClick={toggleOptOut}>
              {customer.optedOut ? t('customer.optIn') : t('customer.optOut')}
            </button>
          </p>
        </>
      )}
      <h3>{t('customer.notes')}</h3>
      <ul class="notes">
        {notes.map((n) => (
          <li key={n.id}>
            <p dir="auto">{n.text}</p>
            <span class="muted small">
              {n.author.id ?? n.author.type} · {i18n.time(n.createdAt)}
            </span>
          </li>
        ))}
      </ul>
      <form class="stack" onSubmit={addNote}>
        <label class="visually-hidden" for="new-note">
          {t('customer.addNote')}
        </label>
        <textarea id="new-note" rows={2} dir="auto" value={note} placeholder={t('customer.notePlaceholder')} onInput={(e) => setNote(e.currentTarget.value)} />
        <button type="submit" disabled={!note.trim()}>
          {t('customer.addNote')}
        </button>
      </form>
      {history.length > 0 && (
        <>
          <h3>{t('customer.history')}</h3>
          <ul class="history">
            {history.map((h) => (
              <li key={h.id}>
                {i18n.date(h.openedAt)} · {t(`status.${h.status}`)}
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorText error={error} />
    </aside>
  );
}
