import { useMemo, useState } from 'preact/hooks';
import { post } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Message, QuickReply } from '../types.js';

interface Props {
  ticketId: string;
  quickReplies: QuickReply[];
  onSent: (message: Message) => void;
  onError: (error: unknown) => void;
}

/**
 * The reply box. Enter sends, Shift+Enter adds a line. Typing `/` opens the quick replies
 * (arrows move, Enter or Tab picks, Esc closes); a picked quick reply is rendered by the server
 * for this ticket (customer and agent names filled in). `/shortcut` + Enter also works unlisted.
 */
export function Composer({ ticketId, quickReplies, onSent, onError }: Props) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [busy, setBusy] = useState(false);

  const prefix = text.startsWith('/') && !text.includes('\n') ? text.slice(1).trim().toLowerCase() : null;
  const matches = useMemo(
    () => (prefix === null ? [] : quickReplies.filter((q) => q.shortcut.toLowerCase().startsWith(prefix) || q.title.toLowerCase().includes(prefix)).slice(0, 8)),
    [prefix, quickReplies],
  );
  const open = prefix !== null && !dismissed;

  const send = async (body: { text: string } | { quickReply: string }) => {
    setBusy(true);
    try {
      onSent(await post<Message>(`/tickets/${ticketId}/messages`, body));
      setText('');
      setDismissed(false);
      onError(null);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = () => {
    if (busy) return;
    if (open && matches[active]) return void send({ quickReply: matches[active]!.id });
    if (prefix) return void send({ quickReply: prefix });
    if (text.trim()) void send({ text: text.trim() });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (open && matches.length > 0 && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
    } else if (open && e.key === 'Escape') {
      e.preventDefault();
      setDismissed(true);
    } else if (open && e.key === 'Tab' && matches[active]) {
      e.preventDefault();
      void send({ quickReply: matches[active]!.id });
    } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {open && (
        <ul class="quick-replies" id="quick-replies" role="listbox" aria-label={t('chat.quickReplies')}>
          {matches.length === 0 && <li class="muted">{t('chat.noQuickReplies', { prefix: prefix ?? '' })}</li>}
          {matches.map((q, i) => (
            <li
              key={q.id}
              id={`qr-${q.id}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                void send({ quickReply: q.id });
              }}
            >
              <b dir="auto">/{q.shortcut}</b> <bdi class="muted">{q.title}</bdi>
              <span class="qr-body" dir="auto">{q.body}</span>
            </li>
          ))}
        </ul>
      )}
      <label class="visually-hidden" for="reply">
        {t('chat.compose')}
      </label>
      <textarea
        id="reply"
        rows={2}
        dir="auto"
        placeholder={t('chat.placeholder')}
        value={text}
        role="combobox"
        aria-expanded={open}
        aria-controls="quick-replies"
        aria-autocomplete="list"
        aria-activedescendant={open && matches[active] ? `qr-${matches[active]!.id}` : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setActive(0);
          setDismissed(false);
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" class="primary" disabled={busy || !text.trim()}>
        {t('chat.send')}
      </button>
    </form>
  );
}
