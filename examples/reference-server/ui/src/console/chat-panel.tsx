import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchBlob, get, post } from '../api.js';
import { download } from '../admin/download.js';
import { Dialog } from '../components/dialog.js';
import { ErrorText } from '../components/error-text.js';
import { Ticks } from '../components/ticks.js';
import { useI18n } from '../i18n.js';
import type { InboxTicket, LiveUpdate, Message, QuickReply, User } from '../types.js';
import { Composer } from './composer.js';
import { CustomerPanel } from './customer-panel.js';
import { displayName } from './inbox.js';
import { TransferDialog } from './transfer-dialog.js';

interface Props {
  ticket: InboxTicket;
  user: User;
  quickReplies: QuickReply[];
  /** Changes when a live update concerns this ticket. */
  version: number;
  statusUpdate: LiveUpdate | null;
  onChanged: () => void;
}

export function ChatPanel({ ticket, user, quickReplies, version, statusUpdate, onChanged }: Props) {
  const { t } = useI18n();
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [dialog, setDialog] = useState<'transfer' | 'close' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let stale = false;
    get<{ items: Message[] }>(`/tickets/${ticket.id}/messages?order=desc&limit=100`)
      .then((page) => {
        if (stale) return;
        setMessages(page.items.reverse());
        if (page.items.some((m) => m.direction === 'inbound')) void post(`/tickets/${ticket.id}/read`).then(onChanged, () => {});
      })
      .catch(setError);
    return () => {
      stale = true;
    };
  }, [ticket.id, version, ticket.lastActivityAt]);

  // Delivery ticks: patch the one message in place.
  useEffect(() => {
    const m = statusUpdate?.data.message;
    if (!m || m.ticketId !== ticket.id) return;
    setMessages((list) => {
      if (!list) return list;
      const known = list.some((x) => x.id === m.id);
      if (!known) {
        void get<Message>(`/messages/${m.id}`).then((full) => setMessages((l) => (l && !l.some((x) => x.id === full.id) ? [...l, full] : l)), () => {});
        return list;
      }
      return list.map((x) => (x.id === m.id ? { ...x, status: m.status } : x));
    });
  }, [statusUpdate, ticket.id]);

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages?.length]);

  const sent = (message: Message) => setMessages((list) => (list && !list.some((x) => x.id === message.id) ? [...list, message] : list));
  const closeTicket = async () => {
    try {
      await post(`/tickets/${ticket.id}/close`, {});
      setDialog(null);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const retry = async (m: Message) => {
    try {
      const again = await post<Message>(`/messages/${m.id}/retry`);
      setMessages((list) => list?.map((x) => (x.id === m.id ? again : x)) ?? list);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <section class="chat-pane" aria-labelledby="chat-title">
        <header class="pane-head chat-head">
          <div>
            <h2 id="chat-title">
              <bdi>{displayName(ticket)}</bdi>
            </h2>
            <span class="muted small">
              <bdi dir="ltr">{ticket.customer?.phone}</bdi> · {t(`status.${ticket.status}`)}
            </span>
          </div>
          <div class="actions">
            <button type="button" onClick={() => setDialog('transfer')}>
              {t('chat.transfer')}
            </button>
            <button type="button" class="danger" onClick={() => setDialog('close')}>
              {t('chat.close')}
            </button>
          </div>
        </header>
        <ErrorText error={error} />
        <ol class="messages" ref={listRef} aria-label={t('chat.messages')} aria-live="polite" tabIndex={0}>
          {messages?.map((m) => <Bubble key={m.id} message={m} user={user} onRetry={retry} />)}
        </ol>
        <Composer ticketId={ticket.id} quickReplies={quickReplies} onSent={sent} onError={setError} />
      </section>
      <CustomerPanel ticket={ticket} />
      {dialog === 'transfer' && (
        <TransferDialog
          ticket={ticket}
          me={user.agentId}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            onChanged();
          }}
        />
      )}
      {dialog === 'close' && (
        <Dialog title={t('chat.close')} onClose={() => setDialog(null)}>
          <p>{t('chat.closeConfirm')}</p>
          <div class="dialog-actions">
            <button type="button" onClick={() => setDialog(null)}>
              {t('common.cancel')}
            </button>
            <button type="button" class="danger" onClick={closeTicket}>
              {t('chat.close')}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}

function Bubble({ message: m, user, onRetry }: { message: Message; user: User; onRetry: (m: Message) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const mine = m.author.type === 'agent' && m.author.id === user.agentId;
  const who = m.direction === 'inbound' ? null : m.author.type === 'bot' || m.author.type === 'system' ? t('console.bot') : mine ? t('console.you') : (m.author.id ?? null);
  return (
    <li class={`bubble ${m.direction === 'inbound' ? 'in' : 'out'}`} data-message={m.id} data-status={m.status}>
      {who && <span class="author">{who}</span>}
      <Content message={m} />
      <span class="meta">
        <time dateTime={m.createdAt}>{i18n.time(m.createdAt)}</time>
        {m.direction === 'outbound' && <Ticks status={m.status} />}
      </span>
      {m.status === 'failed' && (
        <span class="failed-line">
          {m.error?.message}{' '}
          <button type="button" class="link" onClick={() => onRetry(m)}>
            {t('chat.retry')}
          </button>
        </span>
      )}
    </li>
  );
}

function Content({ message }: { message: Message }) {
  const { t } = useI18n();
  const c = message.content;
  if (c.type === 'text') return <p class="text" dir="auto">{c.text}</p>;
  if (c.type === 'media') {
    const caption = c.caption ? <p class="text" dir="auto">{c.caption}</p> : null;
    if (c.url && (c.kind === 'image' || c.kind === 'sticker')) return <figure class="media"><img src={c.url} alt={c.caption ?? t('chat.media')} loading="lazy" />{caption}</figure>;
    if (c.url && c.kind === 'video') return <figure class="media"><video src={c.url} controls preload="metadata" />{caption}</figure>;
    if (c.url && (c.kind === 'audio' || c.kind === 'voice')) return <figure class="media"><audio src={c.url} controls preload="metadata" />{caption}</figure>;
    if (!c.url && typeof c.providerRef === 'string') return <ProviderMedia message={message} caption={caption} />;
    return (
      <div class="media file">
        <span aria-hidden="true">📎</span> <bdi>{c.filename ?? `${t('chat.media')} (${c.kind ?? 'file'})`}</bdi>
        {c.url && (
          <a href={c.url} target="_blank" rel="noreferrer noopener">
            {t('chat.download')}
          </a>
        )}
        {caption}
      </div>
    );
  }
  if (c.type === 'location') {
    return (
      <p class="text">
        📍 {t('chat.location')}: <bdi>{c.name ?? `${c.latitude}, ${c.longitude}`}</bdi>
      </p>
    );
  }
  if (c.type === 'reaction') return <p class="text reaction">{c.emoji}</p>;
  return <p class="text muted" dir="auto">{typeof c.text === 'string' ? c.text : `[${c.type}]`}</p>;
}

/**
 * Inbound media the provider only referenced: the server fetches it on demand
 * (GET /messages/{id}/media). Images show inline; other kinds open as a download.
 */
function ProviderMedia({ message, caption }: { message: Message; caption: ComponentChildren }) {
  const { t } = useI18n();
  const c = message.content;
  const image = c.kind === 'image' || c.kind === 'sticker';
  const path = `/messages/${message.id}/media`;
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!image) return;
    let url: string | null = null;
    let live = true;
    fetchBlob(path).then(({ blob }) => {
      if (!live) return;
      url = URL.createObjectURL(blob);
      setSrc(url);
    }, setError);
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, image]);
  if (image && src) return <figure class="media"><img src={src} alt={c.caption ?? t('chat.media')} data-provider-media />{caption}</figure>;
  return (
    <div class="media file">
      <span aria-hidden="true">📎</span> <bdi>{c.filename ?? `${t('chat.media')} (${c.kind ?? 'file'})`}</bdi>{' '}
      {!image && (
        <button type="button" class="link" onClick={() => void download(path, c.filename ?? `${message.id}`).catch(setError)}>
          {t('chat.download')}
        </button>
      )}
      {caption}
      <ErrorText error={error} />
    </div>
  );
}
