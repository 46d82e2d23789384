import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { get, put } from '../api.js';
import { beep, setTitleBadge } from '../alerts.js';
import { useI18n } from '../i18n.js';
import { connectLive } from '../live.js';
import type { Agent, InboxTicket, LiveUpdate, QuickReply, User } from '../types.js';
import { ChatPanel } from './chat-panel.js';
import { Inbox, byUrgency } from './inbox.js';

/** The agent's screen: inbox, chat and customer panel, kept live by the event stream. */
export function ConsolePage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const agentId = user.agentId!;
  const [tickets, setTickets] = useState<InboxTicket[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [agent, setAgent] = useState<Agent | null>(null);
  const [quickReplies, setQuickReplies] = useState<QuickReply[]>([]);
  const [live, setLive] = useState(false);
  /** Bumped on every live update about the open ticket: the chat reloads. */
  const [chatVersion, setChatVersion] = useState(0);
  const [statusUpdate, setStatusUpdate] = useState<LiveUpdate | null>(null);
  const [, setNow] = useState(Date.now());
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const loadInbox = useCallback(async () => {
    const page = await get<{ items: InboxTicket[] }>('/tickets?status=open,pending&limit=200');
    setTickets(page.items);
  }, []);
  const loadAgent = useCallback(() => get<Agent>(`/agents/${encodeURIComponent(agentId)}`).then(setAgent, () => setAgent(null)), [agentId]);

  useEffect(() => {
    void loadInbox();
    void loadAgent();
    get<{ items: QuickReply[] }>('/templates').then((r) => setQuickReplies(r.items), () => setQuickReplies([]));
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(tick);
  }, [loadInbox, loadAgent]);

  useEffect(() => {
    let reload: ReturnType<typeof setTimeout> | undefined;
    const reloadInbox = () => {
      clearTimeout(reload);
      reload = setTimeout(() => void loadInbox(), 50);
    };
    const close = connectLive({
      onConnected: () => {
        setLive(true);
        reloadInbox();
        setChatVersion((v) => v + 1);
      },
      onDisconnected: () => setLive(false),
      onUpdate: (update) => {
        const { data } = update;
        if (data.agent) {
          if (data.agent.id === agentId) setAgent((a) => (a ? { ...a, status: data.agent!.status } : a));
          return;
        }
        const ticketId = data.ticket?.id ?? data.message?.ticketId ?? null;
        if (update.name === 'message.received' && data.message?.direction === 'inbound') beep();
        if (update.name === 'message.status' || update.name === 'message.sent' || update.name === 'message.failed') setStatusUpdate(update);
        else if (ticketId && ticketId === selectedRef.current) setChatVersion((v) => v + 1);
        if (data.ticket || data.message) reloadInbox();
      },
    });
    return () => {
      clearTimeout(reload);
      close();
    };
  }, [agentId, loadInbox]);

  const sorted = useMemo(() => (tickets ? byUrgency(tickets) : null), [tickets]);
  const unread = useMemo(() => (tickets ?? []).reduce((sum, ticket) => sum + ticket.unread, 0), [tickets]);
  useEffect(() => setTitleBadge(unread, t('app.name'), i18n.num), [unread, i18n]);
  useEffect(() => () => setTitleBadge(0, t('app.name'), i18n.num), []);

  // The open ticket left the inbox (closed, transferred): deselect it.
  useEffect(() => {
    if (selected && tickets && !tickets.some((x) => x.id === selected)) setSelected(null);
  }, [tickets, selected]);

  const toggleStatus = async () => {
    const next = agent?.status === 'online' ? 'offline' : 'online';
    setAgent(await put<Agent>(`/agents/${encodeURIComponent(agentId)}/status`, { status: next }));
  };

  const current = tickets?.find((x) => x.id === selected) ?? null;
  return (
    <div class="console">
      <section class="inbox-pane" aria-labelledby="inbox-title">
        <div class="pane-head">
          <h1 id="inbox-title">{t('console.inbox')}</h1>
          <span class={`live-dot ${live ? 'on' : ''}`} role="status">
            {live ? t('app.live') : t('app.offlineStream')}
          </span>
        </div>
        <div class="presence">
          <span id="presence-label">{t('console.status')}</span>
          <button type="button" role="switch" class={`switch ${agent?.status === 'online' ? 'on' : ''}`} aria-checked={agent?.status === 'online'} aria-labelledby="presence-label" disabled={!agent} onClick={toggleStatus}>
            {agent?.status === 'online' ? t('console.online') : t('console.offline')}
          </button>
        </div>
        {sorted ? <Inbox tickets={sorted} selected={selected} onSelect={setSelected} /> : <p class="muted pad">{t('common.loading')}</p>}
      </section>
      {current ? (
        <ChatPanel
          key={current.id}
          ticket={current}
          user={user}
          quickReplies={quickReplies}
          version={chatVersion}
          statusUpdate={statusUpdate}
          onChanged={loadInbox}
        />
      ) : (
        <section class="chat-pane empty">
          <p class="muted">{t('console.pick')}</p>
        </section>
      )}
    </div>
  );
}
