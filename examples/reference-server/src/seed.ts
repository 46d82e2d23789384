import { randomBytes } from 'node:crypto';
import type { Switchboard } from '@switchboard/core';
import type { AuthService } from './auth/auth-service.js';
import type { Config } from './config.js';

/** A login created by the seed, printed once at startup. */
export interface DemoCredential {
  username: string;
  password: string;
  role: string;
}

export const DEMO_AGENT_PASSWORD = 'agent-demo-pass';
export const DEMO_MANAGER_PASSWORD = 'manager-demo-pass';
const DEMO_AGENTS = [
  { id: 'mona', name: 'Mona', branch: 'cairo', capacity: 3 },
  { id: 'omar', name: 'Omar', branch: 'cairo', capacity: 3 },
  { id: 'sara', name: 'Sara', branch: 'giza', capacity: 2 },
] as const;

/**
 * First start only (no users yet): the admin login, and with SEED_DEMO demo agents with logins,
 * a manager, quick replies, a keyword trigger and business hours. Returns the created logins.
 */
export async function seed(sb: Switchboard, auth: AuthService, config: Config): Promise<DemoCredential[]> {
  if ((await auth.users.listUsers()).length > 0) return [];
  const adminPassword = config.ADMIN_PASSWORD ?? (config.SEED_DEMO ? 'admin-demo-pass' : randomBytes(12).toString('base64url'));
  await auth.createUser({ username: config.ADMIN_USERNAME, password: adminPassword, name: 'Administrator', role: 'admin' });
  const created: DemoCredential[] = [{ username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD ? '(from ADMIN_PASSWORD)' : adminPassword, role: 'admin' }];
  if (!config.SEED_DEMO) return created;

  await auth.createUser({ username: 'manager', password: DEMO_MANAGER_PASSWORD, name: 'Nadia (manager)', role: 'manager' });
  created.push({ username: 'manager', password: DEMO_MANAGER_PASSWORD, role: 'manager' });
  for (const agent of DEMO_AGENTS) {
    if (!(await sb.store.getAgent(agent.id))) await sb.agents.create({ ...agent, status: 'online' });
    await auth.createUser({ username: agent.id, password: DEMO_AGENT_PASSWORD, name: agent.name, role: 'agent', agentId: agent.id });
    created.push({ username: agent.id, password: DEMO_AGENT_PASSWORD, role: 'agent' });
  }

  if ((await sb.templates.list()).length === 0) {
    await sb.templates.create({ shortcut: 'hi', title: 'Greeting', body: 'Hello {{customer.name}}, this is {{agent.name}}. How can I help?', category: 'general' });
    await sb.templates.create({ shortcut: 'thanks', title: 'Thanks', body: 'Thank you for contacting us! Anything else I can do?', category: 'general' });
    await sb.templates.create({ shortcut: 'مرحبا', title: 'ترحيب', body: 'أهلاً {{customer.name}}، معك {{agent.name}}. كيف أقدر أساعدك؟', category: 'general' });
    await sb.templates.create({ shortcut: 'eta', title: 'Delivery ETA', body: 'Your order is on its way and should arrive today.', agentId: 'mona' });
  }
  if ((await sb.hours.list()).length === 0) {
    const day = [{ start: '09:00', end: '18:00' }];
    await sb.hours.save({ id: 'cairo-desk', name: 'Cairo desk', timeZone: 'Africa/Cairo', weekly: { 0: day, 1: day, 2: day, 3: day, 4: day, 6: day } });
  }
  if ((await sb.triggers.list()).length === 0) {
    await sb.triggers.create({
      name: 'Opening hours',
      match: { kind: 'contains', value: 'opening hours' },
      action: { type: 'reply', text: 'We are open Saturday to Thursday, 09:00–18:00 (Cairo time).' },
    });
  }
  return created;
}
