import { useEffect, useState } from 'preact/hooks';
import { del, get, patch, post } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';

interface Trigger {
  id: string;
  name: string;
  enabled: boolean;
  match: { kind: string; value?: string };
  action: { type: string; text?: string; [key: string]: unknown };
}

/** Keyword triggers: the list (on/off, delete) and a form for the common "contains/equals → reply" rule. */
export function TriggersTab() {
  const { t } = useI18n();
  const [items, setItems] = useState<Trigger[]>([]);
  const [form, setForm] = useState({ name: '', kind: 'contains', value: '', text: '' });
  const [error, setError] = useState<unknown>(null);
  const load = () => get<{ items: Trigger[] }>('/triggers').then((r) => setItems(r.items), setError);
  useEffect(() => void load(), []);
  const run = (work: Promise<unknown>) => work.then(load, setError);

  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await post('/triggers', { name: form.name, match: { kind: form.kind, value: form.value }, action: { type: 'reply', text: form.text } });
      setForm({ name: '', kind: 'contains', value: '', text: '' });
      setError(null);
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section class="card stack" aria-labelledby="triggers-title">
      <h2 id="triggers-title">{t('admin.triggers')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('trigger.name')}</th>
            <th scope="col">{t('trigger.match')}</th>
            <th scope="col">{t('trigger.reply')}</th>
            <th scope="col">{t('trigger.enabled')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('common.delete')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((x) => (
            <tr key={x.id}>
              <td dir="auto">{x.name}</td>
              <td dir="auto">
                {x.match.kind} {x.match.value && <q>{x.match.value}</q>}
              </td>
              <td dir="auto">{x.action.type === 'reply' ? x.action.text : x.action.type}</td>
              <td>
                <input type="checkbox" checked={x.enabled} aria-label={`${t('trigger.enabled')}: ${x.name}`} onChange={(e) => void run(patch(`/triggers/${x.id}`, { enabled: e.currentTarget.checked }))} />
              </td>
              <td>
                <button type="button" class="danger" onClick={() => void run(del(`/triggers/${x.id}`))}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="stack" onSubmit={submit} aria-label={t('common.add')}>
        <div class="filters">
          <label>
            {t('trigger.name')}
            <input value={form.name} required dir="auto" onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </label>
          <label>
            {t('trigger.match')}
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}>
              <option value="contains">{t('trigger.contains')}</option>
              <option value="exact">{t('trigger.equals')}</option>
            </select>
          </label>
          <label>
            <span class="visually-hidden">{t('trigger.match')}</span>
            <input value={form.value} required dir="auto" aria-label={t('trigger.match')} onInput={(e) => setForm({ ...form, value: e.currentTarget.value })} />
          </label>
        </div>
        <label>
          {t('trigger.reply')}
          <textarea rows={2} value={form.text} required dir="auto" onInput={(e) => setForm({ ...form, text: e.currentTarget.value })} />
        </label>
        <ErrorText error={error} />
        <button type="submit" class="primary">
          {t('common.add')}
        </button>
      </form>
    </section>
  );
}
