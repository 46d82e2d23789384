import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';

interface AuditEntry {
  id: string;
  actor: { type: string; id?: string };
  action: string;
  entity: { type: string; id: string } | null;
  at: string;
}

/** Who changed what, newest first (admin only). */
export function AuditTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = (cursor?: string) =>
    get<{ items: AuditEntry[]; nextCursor: string | null }>(`/audit?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).then((page) => {
      setItems((old) => (cursor ? [...old, ...page.items] : page.items));
      setNext(page.nextCursor);
    }, setError);
  useEffect(() => void load(), []);
  return (
    <section class="card stack" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('admin.audit')}</h2>
      <ErrorText error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('audit.when')}</th>
            <th scope="col">{t('audit.who')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.entity')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>{i18n.time(a.at)}</td>
              <td>
                {a.actor.type}
                {a.actor.id ? `: ${a.actor.id}` : ''}
              </td>
              <td>
                <code>{a.action}</code>
              </td>
              <td>{a.entity ? `${a.entity.type} ${a.entity.id}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
