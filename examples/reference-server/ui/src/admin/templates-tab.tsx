import { useEffect, useState } from 'preact/hooks';
import { del, get, patch, post } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';
import type { QuickReply } from '../types.js';

/** The quick replies editor: global ones (staff) and personal ones. */
export function TemplatesTab() {
  const { t } = useI18n();
  const [items, setItems] = useState<QuickReply[]>([]);
  const [editing, setEditing] = useState<QuickReply | null>(null);
  const [form, setForm] = useState({ shortcut: '', title: '', body: '' });
  const [error, setError] = useState<unknown>(null);
  const load = () => get<{ items: QuickReply[] }>('/templates').then((r) => setItems(r.items), setError);
  useEffect(() => void load(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      if (editing) await patch(`/templates/${editing.id}`, form);
      else await post('/templates', { ...form, scope: 'global' });
      setEditing(null);
      setForm({ shortcut: '', title: '', body: '' });
      setError(null);
      await load();
    } catch (err) {
      setError(err);
    }
  };
  const remove = (q: QuickReply) => del(`/templates/${q.id}`).then(load, setError);

  return (
    <section class="card stack" aria-labelledby="templates-title">
      <h2 id="templates-title">{t('admin.templates')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('template.shortcut')}</th>
            <th scope="col">{t('template.title')}</th>
            <th scope="col">{t('template.body')}</th>
            <th scope="col">{t('template.scope')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('common.edit')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((q) => (
            <tr key={q.id}>
              <td dir="auto">/{q.shortcut}</td>
              <td dir="auto">{q.title}</td>
              <td dir="auto">{q.body}</td>
              <td>{q.ownerAgentId ? `${t('template.mine')} (${q.ownerAgentId})` : t('template.global')}</td>
              <td class="toolbar">
                <button
                  type="button"
                  onClick={() => {
                    setEditing(q);
                    setForm({ shortcut: q.shortcut, title: q.title, body: q.body });
                  }}
                >
                  {t('common.edit')}
                </button>
                <button type="button" class="danger" onClick={() => void remove(q)}>
                  {t('common.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="stack" onSubmit={submit} aria-label={editing ? t('common.edit') : t('common.add')}>
        <div class="filters">
          <label>
            {t('template.shortcut')}
            <input value={form.shortcut} required maxLength={33} dir="auto" onInput={(e) => setForm({ ...form, shortcut: e.currentTarget.value })} />
          </label>
          <label>
            {t('template.title')}
            <input value={form.title} required dir="auto" onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
          </label>
        </div>
        <label>
          {t('template.body')}
          <textarea rows={3} value={form.body} required dir="auto" onInput={(e) => setForm({ ...form, body: e.currentTarget.value })} />
        </label>
        <ErrorText error={error} />
        <div class="toolbar">
          <button type="submit" class="primary">
            {editing ? t('common.save') : t('common.add')}
          </button>
          {editing && (
            <button
              type="button"
              onClick={() => {
                setEditing(null);
                setForm({ shortcut: '', title: '', body: '' });
              }}
            >
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
