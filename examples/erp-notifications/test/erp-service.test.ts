import { ConflictError, DriverError, ValidationError } from '@switchboard/core';
import { ManualClock, simulatorDriver, type SimulatorDriver } from '@switchboard/core/simulator';
import { memoryStore } from '@switchboard/storage-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordNotFoundError } from '../src/erp-domain.js';
import { createErpService, type ErpService } from '../src/erp-service.js';

const AHMED = '+201001234567';
const LAILA = '+201112223334';
const running: ErpService[] = [];

async function setup(): Promise<{ erp: ErpService; phone: SimulatorDriver; clock: ManualClock }> {
  const clock = new ManualClock('2026-11-21T09:00:00+02:00');
  const phone = simulatorDriver();
  const erp = createErpService({
    store: memoryStore(),
    driver: phone,
    clock,
    engineers: [
      { id: 'ENG-1', name: 'Omar Hassan', phone: '+20 100 555 0101' },
      { id: 'ENG-2', name: 'Mona Adel', phone: '01005550102' },
    ],
    staffPhones: ['+20 2 2345 6789'],
    portalUrl: 'https://erp.example.com/',
  });
  await erp.sb.start();
  running.push(erp);
  return { erp, phone, clock };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((erp) => erp.sb.stop()));
});

/** Fire all six events for one enquiry, one service request and one order. */
async function allSixEvents(erp: ErpService) {
  erp.createOrder({ id: 'ORD-3001', customerName: 'Laila', phone: LAILA, deliveryDate: '2026-11-22' });
  return [
    await erp.createEnquiry({ id: 'ENQ-1001', customerName: 'Ahmed', phone: AHMED, subject: 'Washing machine leaks' }),
    await erp.createServiceRequest({ id: 'SR-2001', customerName: 'Ahmed', phone: '01001234567', product: 'washing machine' }),
    await erp.assignEngineer('SR-2001', 'ENG-1'),
    await erp.completeService('SR-2001'),
    await erp.deliveryFailed('ORD-3001', 'nobody was home'),
    await erp.rescheduleDelivery('ORD-3001', '2026-11-24'),
  ].map((r) => r.notification);
}

const textOf = (phone: SimulatorDriver) => phone.sent.map((s) => (s.content.type === 'text' ? s.content.text : `<${s.content.type}>`));

describe('ERP notifications', () => {
  it('sends exactly one message per event, with the reference, ticket, links and engineer name', async () => {
    const { erp, phone } = await setup();
    const outcomes = await allSixEvents(erp);
    await erp.sb.notifications.dispatch();

    expect(outcomes.map((o) => o.key)).toEqual([
      'enquiry:created:ENQ-1001',
      'service:created:SR-2001',
      'service:engineer_assigned:SR-2001/ENG-1',
      'service:completed:SR-2001',
      'delivery:failed:ORD-3001/1',
      'delivery:rescheduled:ORD-3001/2',
    ]);
    expect(outcomes.every((o) => !o.repeated)).toBe(true);
    expect(phone.sent).toHaveLength(6);
    expect(phone.sentTo(AHMED)).toHaveLength(4);
    expect(phone.sentTo(LAILA)).toHaveLength(2);
    expect(textOf(phone)).toEqual([
      'Hello Ahmed, thank you for your enquiry. Your reference is ENQ-1001; we will get back to you shortly.',
      'Hello Ahmed, your service request SR-2001 for your washing machine is open. Track it here: https://erp.example.com/track/SR-2001',
      'Hello Ahmed, engineer Omar Hassan will handle your service request SR-2001.',
      'Hello Ahmed, your service request SR-2001 is complete. Tell us how we did: https://erp.example.com/feedback/SR-2001',
      'Hello Laila, we could not deliver your order ORD-3001 today (nobody was home). We will contact you to reschedule.',
      'Hello Laila, your order ORD-3001 will now be delivered on 2026-11-24.',
    ]);
    const log = await erp.notifier.log();
    expect(log.items.map((e) => e.status)).toEqual(Array(6).fill('sent'));
  });

  it('sends nothing when an event is repeated for the same record, concurrently or after sending', async () => {
    const { erp, phone } = await setup();
    const twice = async <T extends { notification: { repeated: boolean } }>(fire: () => Promise<T>) => {
      const [a, b] = await Promise.all([fire(), fire()]);
      return [a.notification.repeated, b.notification.repeated].sort();
    };
    erp.createOrder({ id: 'ORD-3001', customerName: 'Laila', phone: LAILA, deliveryDate: '2026-11-22' });
    const pairs = [
      await twice(() => erp.createEnquiry({ id: 'ENQ-1001', customerName: 'Ahmed', phone: AHMED, subject: 'Washing machine leaks' })),
      await twice(() => erp.createServiceRequest({ id: 'SR-2001', customerName: 'Ahmed', phone: AHMED, product: 'washing machine' })),
      await twice(() => erp.assignEngineer('SR-2001', 'ENG-1')),
      await twice(() => erp.completeService('SR-2001')),
      await twice(() => erp.deliveryFailed('ORD-3001', 'nobody was home')),
      await twice(() => erp.rescheduleDelivery('ORD-3001', '2026-11-24')),
    ];
    expect(pairs).toEqual(Array(6).fill([false, true]));
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(6);

    // The ERP fires the same events again later (a replayed outbox, a double click).
    const late = [
      await erp.createEnquiry({ id: 'ENQ-1001', customerName: 'Ahmed', phone: AHMED, subject: 'Washing machine leaks' }),
      await erp.createServiceRequest({ id: 'SR-2001', customerName: 'Ahmed', phone: AHMED, product: 'washing machine' }),
      await erp.completeService('SR-2001'),
      await erp.rescheduleDelivery('ORD-3001', '2026-11-24'),
    ];
    await erp.sb.notifications.dispatch();
    expect(late.map((r) => r.notification)).toMatchObject(Array(4).fill({ repeated: true, status: 'sent' }));
    expect(phone.sent).toHaveLength(6);
    expect((await erp.notifier.log()).items).toHaveLength(6);

    // A failure of the rescheduled delivery is a new record: one more message.
    expect((await erp.deliveryFailed('ORD-3001', 'closed gate')).notification).toMatchObject({ key: 'delivery:failed:ORD-3001/2', repeated: false });
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(7);
  });

  it('repeats the engineer-assigned event for a repeat, but tells the customer about a new engineer', async () => {
    const { erp, phone } = await setup();
    await erp.createServiceRequest({ id: 'SR-1', customerName: 'Ahmed', phone: AHMED, product: 'fridge' });
    const first = await erp.assignEngineer('SR-1', 'ENG-1');
    const again = await erp.assignEngineer('SR-1', 'ENG-1');
    const other = await erp.assignEngineer('SR-1', 'ENG-2');
    await erp.sb.notifications.dispatch();
    expect([first.notification.repeated, again.notification.repeated, other.notification.repeated]).toEqual([false, true, false]);
    expect(textOf(phone).slice(1)).toEqual([
      'Hello Ahmed, engineer Omar Hassan will handle your service request SR-1.',
      'Hello Ahmed, engineer Mona Adel will handle your service request SR-1.',
    ]);
  });

  it('never notifies a staff phone: engineers (in any format) and staff numbers are skipped as blocked', async () => {
    const { erp, phone } = await setup();
    const results = [
      await erp.createEnquiry({ customerName: 'Omar testing', phone: '01005550101', subject: 'test' }),
      await erp.createEnquiry({ customerName: 'Mona testing', phone: '+20 100 555 0102', subject: 'test' }),
      await erp.createEnquiry({ customerName: 'Office', phone: '0223456789', subject: 'test' }),
      await erp.createEnquiry({ customerName: 'Ahmed', phone: AHMED, subject: 'real customer' }),
    ];
    await erp.sb.notifications.dispatch();
    const stored = await Promise.all(results.map((r) => erp.sb.notifications.get(r.notification.notificationId)));
    expect(stored.map((n) => [n.status, n.skipReason])).toEqual([
      ['skipped', 'blocked'],
      ['skipped', 'blocked'],
      ['skipped', 'blocked'],
      ['sent', null],
    ]);
    expect(phone.sent.map((s) => s.to.phone)).toEqual([AHMED]);
  });

  it('skips an invalid phone at once with invalid_phone and sends nothing', async () => {
    const { erp, phone } = await setup();
    const { notification } = await erp.createServiceRequest({ customerName: 'Karim', phone: '12345', product: 'oven' });
    expect(notification).toMatchObject({ status: 'skipped', skipReason: 'invalid_phone', repeated: false });
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(0);
    expect((await erp.notifier.log({ status: 'skipped' })).items).toMatchObject([{ event: 'service_created', to: '12345', skipReason: 'invalid_phone', attempts: 0 }]);
  });

  it('records a failed send with its error, and retry sends it once', async () => {
    const { erp, phone } = await setup();
    phone.failNextSend(new DriverError('recipient_unavailable', 'Recipient cannot be reached', { retryable: false, providerCode: '131026' }));
    erp.createOrder({ id: 'ORD-7', customerName: 'Laila', phone: LAILA, deliveryDate: '2026-11-22' });
    const { notification } = await erp.deliveryFailed('ORD-7', 'address not found');
    await erp.sb.notifications.dispatch();

    const [failed] = (await erp.notifier.log({ status: 'failed' })).items;
    expect(failed).toMatchObject({ id: notification.notificationId, event: 'delivery_failed', error: 'recipient_unavailable: Recipient cannot be reached', attempts: 1 });
    expect(phone.sent).toHaveLength(0);

    // Firing the event again does not resend a failed notification; retry does.
    expect((await erp.deliveryFailed('ORD-7', 'address not found')).notification).toMatchObject({ repeated: true, status: 'failed' });
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(0);

    expect(await erp.notifier.retry(notification.notificationId)).toMatchObject({ status: 'pending' });
    await erp.sb.notifications.dispatch();
    expect(phone.sentTo(LAILA)).toHaveLength(1);
    expect(await erp.sb.notifications.get(notification.notificationId)).toMatchObject({ status: 'sent', attempts: 2 });
    await expect(erp.notifier.retry(notification.notificationId)).rejects.toBeInstanceOf(ValidationError);
    expect(phone.sent).toHaveLength(1);
  });

  it('filters the log by event, status, phone and date', async () => {
    const { erp, phone, clock } = await setup();
    const start = clock.now();
    await allSixEvents(erp);
    await erp.sb.notifications.dispatch();
    await clock.advance(3_600_000);
    const later = clock.now();
    await erp.createServiceRequest({ id: 'SR-2002', customerName: 'Karim', phone: '+201223334445', product: 'oven' });
    await erp.assignEngineer('SR-2002', 'ENG-2');
    await erp.createEnquiry({ id: 'ENQ-1009', customerName: 'Staff', phone: '+20 100 555 0101', subject: 'test' });
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(8);

    const keys = async (query: Parameters<ErpService['notifier']['log']>[0]) => (await erp.notifier.log(query)).items.map((e) => e.key);
    expect(await keys({ event: 'engineer_assigned' })).toEqual(['service:engineer_assigned:SR-2002/ENG-2', 'service:engineer_assigned:SR-2001/ENG-1']);
    expect(await keys({ event: 'service_created' })).toEqual(['service:created:SR-2002', 'service:created:SR-2001']);
    expect(await keys({ event: 'delivery_rescheduled' })).toEqual(['delivery:rescheduled:ORD-3001/2']);
    expect(await keys({ status: 'skipped' })).toEqual(['enquiry:created:ENQ-1009']);
    expect(await keys({ event: 'enquiry_created', status: 'sent' })).toEqual(['enquiry:created:ENQ-1001']);
    expect(await keys({ phone: '0111 222 3334' })).toEqual(['delivery:rescheduled:ORD-3001/2', 'delivery:failed:ORD-3001/1']);
    expect(await keys({ from: later })).toHaveLength(3);
    expect(await keys({ from: start, to: new Date(later.getTime() - 1) })).toHaveLength(6);
  });

  it('refuses a record id reused with different data and sends nothing for it', async () => {
    const { erp, phone } = await setup();
    await erp.createEnquiry({ id: 'ENQ-1', customerName: 'Ahmed', phone: AHMED, subject: 'leak' });
    await expect(erp.createEnquiry({ id: 'ENQ-1', customerName: 'Ahmed', phone: LAILA, subject: 'leak' })).rejects.toBeInstanceOf(ConflictError);
    await expect(erp.assignEngineer('SR-404', 'ENG-1')).rejects.toBeInstanceOf(RecordNotFoundError);
    await erp.createServiceRequest({ id: 'SR-1', customerName: 'Ahmed', phone: AHMED, product: 'fridge' });
    await expect(erp.assignEngineer('SR-1', 'ENG-404')).rejects.toMatchObject({ code: 'record_not_found' });
    await expect(erp.completeService('SR-1')).rejects.toBeInstanceOf(ConflictError);
    erp.createOrder({ id: 'ORD-1', customerName: 'Laila', phone: LAILA, deliveryDate: '2026-11-22' });
    expect(erp.createOrder({ id: 'ORD-1', customerName: 'Laila', phone: LAILA, deliveryDate: '2026-11-22' }).deliveries).toHaveLength(1);
    expect(() => erp.createOrder({ id: 'ORD-1', customerName: 'Laila', phone: LAILA, deliveryDate: '2026-11-29' })).toThrow(/different deliveryDate/);
    await expect(erp.rescheduleDelivery('ORD-1', '2026-11-23')).rejects.toBeInstanceOf(ConflictError);
    await erp.sb.notifications.dispatch();
    expect(phone.sent).toHaveLength(2);
    expect((await erp.notifier.log()).items).toHaveLength(2);
  });

  it('validates its options eagerly, naming the package and option', () => {
    const base = { store: memoryStore(), driver: simulatorDriver(), portalUrl: 'https://erp.example.com' };
    expect(() => createErpService({ ...base, portalUrl: 'not a url' })).toThrow(/example-erp-notifications: option portalUrl/);
    expect(() => createErpService({ ...base, engineers: [{ id: 'E', name: 'E', phone: 'nope' }] })).toThrow(/option engineers\.0\.phone "nope"/);
    expect(() => createErpService({ ...base, staffPhones: ['123'] })).toThrow(ValidationError);
  });
});
