import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { ErrorText } from '../components/error-text.js';
import { useI18n } from '../i18n.js';
import type { Agent, InboxTicket } from '../types.js';

export function TransferDialog({ ticket, me, onClose, onDone }: { ticket: InboxTicket; me: string | null; onClose: () => void; onDone: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [agents, setAgents] = useState<Agent[]>([]);
  const [mode, setMode] = useState<'agent' | 'branch'>('agent');
  const [agentId, setAgentId] = useState('');
  const [branch, setBranch] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    get<{ items: Agent[] }>('/agents').then(
      (r) => {
        const others = r.items.filter((a) => a.id !== me);
        setAgents(others);
        setAgentId(others.find((a) => a.status === 'online')?.id ?? others[0]?.id ?? '');
      },
      () => setMode('branch'),
    );
  }, [me]);
  const branches = [...new Set(agents.map((a) => a.branch).filter((b): b is string => !!b))];

  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await post(`/tickets/${ticket.id}/transfer`, { ...(mode === 'agent' ? { agentId } : { branch }), ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Dialog title={t('transfer.title')} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <fieldset class="segmented">
          <legend class="visually-hidden">{t('transfer.title')}</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'agent'} onChange={() => setMode('agent')} disabled={agents.length === 0} /> {t('transfer.toAgent')}
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'branch'} onChange={() => setMode('branch')} /> {t('transfer.toBranch')}
          </label>
        </fieldset>
        {mode === 'agent' ? (
          <label>
            {t('transfer.agent')}
            <select name="agent" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)} required>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} · {a.status === 'online' ? t('console.online') : t('console.offline')} · {t('transfer.load', { open: a.openTickets ?? 0, capacity: a.capacity })}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            {t('transfer.branch')}
            <input name="branch" list="branches" value={branch} required onInput={(e) => setBranch(e.currentTarget.value)} />
            <datalist id="branches">
              {branches.map((b) => (
                <option key={b} value={b} />
              ))}
            </datalist>
          </label>
        )}
        <label>
          {t('transfer.reason')}
          <input name="reason" value={reason} maxLength={500} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <ErrorText error={error} />
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="primary">
            {t('transfer.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
