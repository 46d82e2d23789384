import { useState } from 'preact/hooks';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../locales/en.js';
import type { User } from '../types.js';
import { AuditTab } from './audit-tab.js';
import { CampaignsTab } from './campaigns-tab.js';
import { ChannelsTab } from './channels-tab.js';
import { NotificationsTab } from './notifications-tab.js';
import { OverviewTab } from './overview-tab.js';
import { TemplatesTab } from './templates-tab.js';
import { TriggersTab } from './triggers-tab.js';

type Tab = 'overview' | 'notifications' | 'campaigns' | 'channels' | 'templates' | 'triggers' | 'audit';
const TABS: Array<{ id: Tab; label: MessageKey; adminOnly?: boolean }> = [
  { id: 'overview', label: 'admin.overview' },
  { id: 'notifications', label: 'admin.notifications' },
  { id: 'campaigns', label: 'admin.campaigns' },
  { id: 'channels', label: 'admin.channels' },
  { id: 'templates', label: 'admin.templates' },
  { id: 'triggers', label: 'admin.triggers', adminOnly: true },
  { id: 'audit', label: 'admin.audit', adminOnly: true },
];

/** Staff screens: presence and load, queue, KPIs, notifications, campaigns, channels, editors, audit. */
export function AdminPage({ user }: { user: User }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('overview');
  const admin = user.role === 'admin';
  return (
    <div class="admin">
      <nav class="admin-nav" aria-label={t('admin.title')}>
        {TABS.filter((x) => admin || !x.adminOnly).map((x) => (
          <button key={x.id} type="button" aria-current={tab === x.id ? 'page' : undefined} onClick={() => setTab(x.id)}>
            {t(x.label)}
          </button>
        ))}
      </nav>
      <div class="admin-body">
        {tab === 'overview' && <OverviewTab user={user} />}
        {tab === 'notifications' && <NotificationsTab />}
        {tab === 'campaigns' && <CampaignsTab />}
        {tab === 'channels' && <ChannelsTab admin={admin} />}
        {tab === 'templates' && <TemplatesTab />}
        {tab === 'triggers' && <TriggersTab />}
        {tab === 'audit' && <AuditTab />}
      </div>
    </div>
  );
}
