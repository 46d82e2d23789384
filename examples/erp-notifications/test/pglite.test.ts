import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, simulatorDriver } from '@switchboard/core/simulator';
import { pgliteStore } from '@switchboard/storage-postgres';
import { afterAll, expect, it } from 'vitest';
import { createErpService, type ErpService } from '../src/erp-service.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sb-erp-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** One ERP process on the embedded database in `dataDir`. */
async function erpProcess(clock: ManualClock) {
  const phone = simulatorDriver();
  const erp: ErpService = createErpService({
    store: pgliteStore({ dataDir }),
    driver: phone,
    clock,
    engineers: [{ id: 'ENG-1', name: 'Omar Hassan', phone: '+20 100 555 0101' }],
    portalUrl: 'https://erp.example.com',
  });
  await erp.sb.start();
  return { erp, phone };
}

async function fireAll(erp: ErpService) {
  erp.createOrder({ id: 'ORD-1', customerName: 'Laila', phone: '+201112223334', deliveryDate: '2026-11-22' });
  const outcomes = [
    await erp.createEnquiry({ id: 'ENQ-1', customerName: 'Ahmed', phone: '+201001234567', subject: 'leak' }),
    await erp.createServiceRequest({ id: 'SR-1', customerName: 'Ahmed', phone: '+201001234567', product: 'fridge' }),
    await erp.assignEngineer('SR-1', 'ENG-1'),
    await erp.completeService('SR-1'),
    await erp.deliveryFailed('ORD-1', 'nobody home'),
    await erp.rescheduleDelivery('ORD-1', '2026-11-24'),
  ];
  return outcomes.map((o) => o.notification.repeated);
}

it('on embedded Postgres, the six events sent before a restart are not sent again after it', async () => {
  const clock = new ManualClock('2026-11-21T09:00:00+02:00');
  const first = await erpProcess(clock);
  expect(await fireAll(first.erp)).toEqual(Array(6).fill(false));
  await first.erp.sb.notifications.dispatch();
  expect(first.phone.sent).toHaveLength(6);
  await first.erp.sb.stop();

  // A new process (the ERP's own records rebuilt, e.g. replayed from its outbox) fires them all again.
  const second = await erpProcess(clock);
  expect(await fireAll(second.erp)).toEqual(Array(6).fill(true));
  await second.erp.sb.notifications.dispatch();
  expect(second.phone.sent).toHaveLength(0);
  expect((await second.erp.notifier.log({ event: 'engineer_assigned' })).items).toMatchObject([{ key: 'service:engineer_assigned:SR-1/ENG-1', status: 'sent' }]);
  expect((await second.erp.notifier.log({ status: 'sent' })).items).toHaveLength(6);
  await second.erp.sb.stop();
}, 180_000); // PGlite compiles its WASM on start: slow on a loaded machine
