import { DriverError, type Store } from '@switchboard/core';
import { ManualClock, simulatorDriver, type SimulatorDriver } from '@switchboard/core/simulator';
import { memoryStore } from '@switchboard/storage-memory';
import { pgliteStore, postgresStore } from '@switchboard/storage-postgres';
import type { NotificationLogEntry } from './erp-notifications.js';
import { createErpService, type ErpService } from './erp-service.js';
import { createHttpApi } from './http-api.js';

export const DEMO_ENGINEERS = [
  { id: 'ENG-1', name: 'Omar Hassan', phone: '+20 100 555 0101' },
  { id: 'ENG-2', name: 'Mona Adel', phone: '+20 100 555 0102' },
];

/**
 * Where the demo keeps its data: `DATABASE_URL` → that Postgres server; `DATA_DIR` → embedded
 * PGlite in that folder (`memory://` for none); `memory` → the in-process memory store.
 */
export function storeFromEnv(env: NodeJS.ProcessEnv, fallbackDataDir: string): Store {
  if (env.DATABASE_URL) return postgresStore({ connectionString: env.DATABASE_URL });
  const dataDir = env.DATA_DIR ?? fallbackDataDir;
  return dataDir === 'memory' ? memoryStore() : pgliteStore({ dataDir });
}

/** The service the demo and `npm run serve` use: a simulated WhatsApp number. */
export function demoService(options: { clock?: ManualClock; store?: Store } = {}): { erp: ErpService; phone: SimulatorDriver } {
  const { clock, store = memoryStore() } = options;
  const phone = simulatorDriver();
  const erp = createErpService({
    store,
    driver: phone,
    ...(clock ? { clock } : {}),
    engineers: DEMO_ENGINEERS,
    staffPhones: ['+20 2 2345 6789'],
    portalUrl: 'https://erp.example.com',
  });
  return { erp, phone };
}

/**
 * The after-sales story through the HTTP API: every event once, a few repeats, a staff phone, an
 * invalid phone, a failed send and its retry. Returns the final log, newest first.
 */
export async function runDemo(print: (line: string) => void = console.log, store?: Store): Promise<{ log: NotificationLogEntry[]; sent: number }> {
  const clock = new ManualClock('2026-11-21T09:00:00+02:00');
  const { erp, phone } = demoService({ clock, ...(store ? { store } : {}) });
  const api = createHttpApi(erp);
  await erp.sb.start();
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await api.request(path, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    const json = (await response.json()) as Record<string, unknown>;
    await erp.sb.notifications.dispatch();
    const outcome = json.notification as { key: string; notificationId: string; repeated: boolean } | undefined;
    let what = `${response.status} ${typeof json.status === 'string' ? json.status : ''}`;
    if (outcome) {
      const now = await erp.sb.notifications.get(outcome.notificationId);
      what = `${outcome.key} → ${outcome.repeated ? 'repeat, nothing sent' : now.skipReason ? `skipped (${now.skipReason})` : now.status}`;
    }
    print(`${method} ${path.padEnd(34)} ${what}`);
    await clock.advance(60_000);
    return json;
  };

  try {
    print('ERP events:');
    await call('POST', '/enquiries', { id: 'ENQ-1001', customerName: 'Ahmed', phone: '+20 100 123 4567', subject: 'Washing machine leaks' });
    await call('POST', '/enquiries', { id: 'ENQ-1001', customerName: 'Ahmed', phone: '+20 100 123 4567', subject: 'Washing machine leaks' });
    await call('POST', '/service-requests', { id: 'SR-2001', customerName: 'Ahmed', phone: '01001234567', product: 'washing machine' });
    await call('POST', '/service-requests/SR-2001/assign', { engineerId: 'ENG-1' });
    await call('POST', '/service-requests/SR-2001/assign', { engineerId: 'ENG-1' });
    await call('POST', '/service-requests/SR-2001/complete');
    await call('POST', '/orders', { id: 'ORD-3001', customerName: 'Laila', phone: '+20 111 222 3334', deliveryDate: '2026-11-22' });
    await call('POST', '/orders/ORD-3001/delivery-failed', { reason: 'nobody was home' });
    await call('POST', '/orders/ORD-3001/delivery-failed', { reason: 'nobody was home' });

    // The provider refuses the next send for good: the notification fails and can be retried.
    phone.failNextSend(new DriverError('recipient_unavailable', 'Simulated: the recipient could not be reached', { retryable: false }));
    await call('POST', '/orders/ORD-3001/reschedule', { date: '2026-11-24' });

    // A staff member's own number and a mistyped one.
    await call('POST', '/enquiries', { id: 'ENQ-1002', customerName: 'Omar (testing)', phone: '+20 100 555 0101', subject: 'Test' });
    await call('POST', '/enquiries', { id: 'ENQ-1003', customerName: 'Karim', phone: '12345', subject: 'Spare parts' });

    print('\nRetry the failed notification:');
    const failed = (await erp.notifier.log({ status: 'failed' })).items;
    for (const entry of failed) await call('POST', `/notifications/${entry.id}/retry`);

    const log = (await erp.notifier.log({ limit: 100 })).items;
    print('\nNotification log (newest first):');
    for (const entry of log) {
      print(`  ${entry.status.padEnd(8)} ${(entry.event ?? '').padEnd(21)} ${entry.to.padEnd(17)} attempts ${entry.attempts}${entry.skipReason ? `  skipped: ${entry.skipReason}` : ''}`);
    }
    print(`\n${phone.sent.length} WhatsApp messages sent for ${log.length} notifications.`);
    return { log, sent: phone.sent.length };
  } finally {
    await erp.sb.stop();
  }
}
