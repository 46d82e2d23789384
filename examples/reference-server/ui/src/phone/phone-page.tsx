import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { Ticks } from '../components/ticks.js';
import { useI18n } from '../i18n.js';
import { useLiveVersion } from '../live.js';
import type { MessageStatus } from '../types.js';

interface Persona {
  phone: string;
  name: string;
}
/** As the server's demo-phone route gives it: inbound = the customer wrote. */
interface PhoneMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  status: MessageStatus;
  text: string;
  at: string;
}

const PERSONAS_KEY = 'switchboard.phone.personas';
const DEFAULT_PERSONAS: Persona[] = [{ phone: '+201001234567', name: 'Laila' }];

function loadPersonas(): Persona[] {
  try {
    const saved = JSON.parse(localStorage.getItem(PERSONAS_KEY) ?? 'null') as Persona[] | null;
    return Array.isArray(saved) && saved.length > 0 ? saved : DEFAULT_PERSONAS;
  } catch {
    return DEFAULT_PERSONAS;
  }
}

/** Simulator mode: play one or more customers. Each phone writes, receives replies and sends receipts. */
export function PhonePage() {
  const { t } = useI18n();
  const [personas, setPersonas] = useState<Persona[]>(loadPersonas);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');

  useEffect(() => localStorage.setItem(PERSONAS_KEY, JSON.stringify(personas)), [personas]);
  const version = useLiveVersion((u) => !!u.data.message);

  return (
    <div>
      <section class="phone-setup">
        <h1>{t('phone.title')}</h1>
        <p class="muted">{t('phone.intro')}</p>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            if (phone.trim() && !personas.some((p) => p.phone === phone.trim())) setPersonas([...personas, { phone: phone.trim(), name: name.trim() || phone.trim() }]);
            setPhone('');
            setName('');
          }}
        >
          <label>
            {t('phone.number')}
            <input name="phone" dir="ltr" inputMode="tel" value={phone} required onInput={(e) => setPhone(e.currentTarget.value)} />
          </label>
          <label>
            {t('phone.name')}
            <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit">{t('phone.addCustomer')}</button>
        </form>
      </section>
      <div class="phones">
        {personas.map((p) => (
          <Phone key={p.phone} persona={p} version={version} onRemove={() => setPersonas(personas.filter((x) => x.phone !== p.phone))} />
        ))}
      </div>
    </div>
  );
}

function Phone({ persona, version, onRemove }: { persona: Persona; version: number; onRemove: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [messages, setMessages] = useState<PhoneMessage[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);

  const load = async () => {
    try {
      const r = await get<{ items: PhoneMessage[] }>(`/simulator/conversations/${encodeURIComponent(persona.phone)}`);
      setMessages(r.items);
      // The phone got the business's messages: report them delivered.
      for (const m of r.items) if (m.direction === 'outbound' && m.status === 'sent') await post('/simulator/receipts', { messageId: m.id, status: 'delivered' });
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 404 || err.status === 403) ? new Error(t('phone.unavailable')) : err);
    }
  };
  useEffect(() => void load(), [version, persona.phone]);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    try {
      await post('/simulator/messages', { from: persona.phone, name: persona.name, text: text.trim() });
      setText('');
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const markRead = async () => {
    for (const m of messages) if (m.direction === 'outbound' && (m.status === 'sent' || m.status === 'delivered')) await post('/simulator/receipts', { messageId: m.id, status: 'read' }).catch(setError);
    await load();
  };
  const inputId = `phone-${persona.phone.replace(/\D/g, '')}`;

  return (
    <section class="phone" aria-label={`${t('phone.customer')} ${persona.name}`} data-phone={persona.phone}>
      <header class="phone-head">
        <strong>
          <bdi>{persona.name}</bdi>
        </strong>{' '}
        <bdi dir="ltr" class="small">
          {persona.phone}
        </bdi>
        <button type="button" class="icon" aria-label={`${t('common.delete')} ${persona.name}`} onClick={onRemove}>
          ×
        </button>
      </header>
      <ol class="messages" aria-label={t('chat.messages')} aria-live="polite">
        {messages.map((m) => (
          // On the phone the customer's own messages are "out" (right), the business's "in".
          <li key={m.id} class={`bubble ${m.direction === 'inbound' ? 'out' : 'in'}`} data-status={m.status}>
            <p class="text" dir="auto">
              {m.text}
            </p>
            <span class="meta">
              <time dateTime={m.at}>{i18n.time(m.at)}</time>
            </span>
          </li>
        ))}
      </ol>
      <ErrorText error={error} />
      <div class="toolbar phone-tools">
        <button type="button" onClick={markRead}>
          {t('phone.read')}
        </button>
        {messages.some((m) => m.direction === 'outbound') && <Ticks status={messages.filter((m) => m.direction === 'outbound').at(-1)!.status} />}
      </div>
      <form class="composer" onSubmit={send}>
        <label class="visually-hidden" for={inputId}>
          {t('phone.message')}
        </label>
        <input id={inputId} dir="auto" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" class="primary">
          {t('phone.send')}
        </button>
      </form>
    </section>
  );
}
