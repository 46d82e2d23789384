import { describe, expect, it } from 'vitest';
import type { EnqueueNotificationInput, Store } from '../../store/store.js';
import { accepted, at, inbound, T0, text, unique, type ContractHarness } from './harness.js';

const PHONE = '+201001234567';

function enqueueInput(overrides: Partial<EnqueueNotificationInput> = {}): EnqueueNotificationInput {
  return {
    key: unique('order:1:shipped'),
    channelId: 'main',
    to: PHONE,
    phone: PHONE,
    content: text('Your order shipped'),
    fallback: null,
    metadata: { orderId: 1 },
    requestHash: 'hash-1',
    status: 'pending',
    skipReason: null,
    nextAttemptAt: T0,
    at: T0,
    ...overrides,
  };
}

async function claimOne(store: Store, owner = 'w1', now = T0) {
  const [n] = await store.claimNotifications({ channelId: 'main', owner, now, leaseMs: 60_000, limit: 1 });
  if (!n) throw new Error('store contract: nothing was claimed');
  return n;
}

/** Claim one and mark its send started, as a dispatcher does right before calling the provider. */
async function startOne(store: Store, owner = 'w1', now = T0) {
  const n = await claimOne(store, owner, now);
  if (!(await store.startNotificationSend({ notificationId: n.id, attempt: n.attempts, owner, at: now }))) throw new Error('store contract: could not start the send');
  return n;
}

export function notificationsContract(h: ContractHarness): void {
  describe('notifications outbox', () => {
    it('records a notification once per key and returns the original on a repeat', async () => {
      const input = enqueueInput({ key: 'complaint:123:engineer_assigned' });
      const first = await h.store.enqueueNotification(input);
      expect(first.created).toBe(true);
      expect(first.notification).toMatchObject({
        key: 'complaint:123:engineer_assigned',
        status: 'pending',
        attempts: 0,
        phone: PHONE,
        metadata: { orderId: 1 },
        requestHash: 'hash-1',
        providerMessageId: null,
      });
      expect(first.notification.id).toMatch(/^not_/);
      const repeat = await h.store.enqueueNotification({ ...input, requestHash: 'other', content: text('changed'), at: at(5) });
      expect(repeat).toEqual({ notification: first.notification, created: false });
      expect(await h.store.findNotificationByKey('complaint:123:engineer_assigned')).toEqual(first.notification);
      expect(await h.store.getNotification(first.notification.id)).toEqual(first.notification);
    });

    it('creates exactly one notification per key under 1,000 concurrent enqueues of 400 keys', async () => {
      const keys = Array.from({ length: 400 }, (_, i) => `event:${i}`);
      const calls = Array.from({ length: 1000 }, (_, i) => h.store.enqueueNotification(enqueueInput({ key: keys[i % 400]! })));
      const results = await Promise.all(calls);
      expect(results.filter((r) => r.created)).toHaveLength(400);
      for (const key of keys.slice(0, 20)) expect(await h.oracle.countNotifications({ key })).toBe(1);
      expect(await h.oracle.countNotifications({})).toBe(400);
    });

    it('can start skipped with a reason', async () => {
      const { notification } = await h.store.enqueueNotification(enqueueInput({ phone: null, to: 'not a phone', status: 'skipped', skipReason: 'invalid_phone', nextAttemptAt: null }));
      expect(notification).toMatchObject({ status: 'skipped', skipReason: 'invalid_phone', nextAttemptAt: null });
      expect(await h.store.claimNotifications({ channelId: 'main', owner: 'w', now: at(60), leaseMs: 1000, limit: 10 })).toEqual([]);
    });

    it('leases only due notifications of the channel, earliest first, with an attempt record', async () => {
      const later = await h.store.enqueueNotification(enqueueInput({ nextAttemptAt: at(10) }));
      const first = await h.store.enqueueNotification(enqueueInput({ nextAttemptAt: at(1) }));
      await h.store.enqueueNotification(enqueueInput({ nextAttemptAt: at(1), channelId: 'other' }));
      const future = await h.store.enqueueNotification(enqueueInput({ nextAttemptAt: at(100) }));
      const claimed = await h.store.claimNotifications({ channelId: 'main', owner: 'w1', now: at(20), leaseMs: 60_000, limit: 10 });
      expect(claimed.map((n) => n.id)).toEqual([first.notification.id, later.notification.id]);
      expect(claimed[0]).toMatchObject({ status: 'sending', attempts: 1, leaseOwner: 'w1' });
      expect(claimed[0]?.leaseExpiresAt).toEqual(new Date(at(20).getTime() + 60_000));
      expect(await h.store.listNotificationAttempts(first.notification.id)).toEqual([
        { notificationId: first.notification.id, number: 1, owner: 'w1', startedAt: at(20), sendStartedAt: null, finishedAt: null, outcome: null, error: null, providerMessageId: null },
      ]);
      expect((await h.store.getNotification(future.notification.id))?.status).toBe('pending');
      expect(await h.store.claimNotifications({ channelId: 'main', owner: 'w2', now: at(20), leaseMs: 60_000, limit: 10 })).toEqual([]);
    });

    it('never leases one notification to two concurrent claimers', async () => {
      for (let i = 0; i < 100; i++) await h.store.enqueueNotification(enqueueInput());
      const batches = await Promise.all(
        ['w1', 'w2', 'w3', 'w4', 'w5'].map((owner) => h.store.claimNotifications({ channelId: 'main', owner, now: at(1), leaseMs: 60_000, limit: 30 })),
      );
      const ids = batches.flat().map((n) => n.id);
      expect(ids).toHaveLength(100);
      expect(new Set(ids).size).toBe(100);
      expect(await h.oracle.countNotifications({ status: 'sending' })).toBe(100);
    });

    it('completes an attempt as sent, applying a receipt that arrived before it', async () => {
      const { notification } = await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store);
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'wamid.N1', status: 'delivered', at: at(1) })).toEqual({ outcome: 'buffered' });
      const sent = await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(2), outcome: 'sent', providerMessageId: 'wamid.N1' });
      expect(sent).toMatchObject({ id: notification.id, status: 'delivered', providerMessageId: 'wamid.N1', leaseOwner: null, nextAttemptAt: null });
      expect(sent?.sentAt).toEqual(at(2));
      expect(sent?.deliveredAt).toEqual(at(1));
      const [attempt] = await h.store.listNotificationAttempts(n.id);
      expect(attempt).toMatchObject({ outcome: 'sent', providerMessageId: 'wamid.N1' });
      expect(attempt?.finishedAt).toEqual(at(2));
      expect(await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(3), outcome: 'failed', error: { code: 'x', message: 'y' } })).toBeNull();
    });

    it('refuses to complete another owner’s or an old attempt', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store);
      expect(await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 1, owner: 'intruder', at: at(1), outcome: 'sent', providerMessageId: 'p' })).toBeNull();
      expect(await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 2, owner: 'w1', at: at(1), outcome: 'sent', providerMessageId: 'p' })).toBeNull();
      expect((await h.store.getNotification(n.id))?.status).toBe('sending');
    });

    it('schedules a retry, then fails for good, keeping every attempt', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store);
      const retrying = await h.store.completeNotificationAttempt({
        notificationId: n.id,
        attempt: 1,
        owner: 'w1',
        at: at(1),
        outcome: 'retrying',
        error: { code: 'rate_limited', message: 'slow down', providerCode: '130429' },
        nextAttemptAt: at(3),
      });
      expect(retrying).toMatchObject({ status: 'retrying', error: { providerCode: '130429' } });
      expect(retrying?.nextAttemptAt).toEqual(at(3));
      expect(await h.store.claimNotifications({ channelId: 'main', owner: 'w1', now: at(2), leaseMs: 60_000, limit: 5 })).toEqual([]);
      const again = await claimOne(h.store, 'w2', at(3));
      expect(again.attempts).toBe(2);
      const failed = await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 2, owner: 'w2', at: at(4), outcome: 'failed', error: { code: 'undeliverable', message: 'not on WhatsApp', providerCode: '131026' } });
      expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: null, error: { code: 'undeliverable' } });
      const retried = await h.store.retryNotification({ id: n.id, at: at(5) });
      expect(retried).toMatchObject({ status: 'pending', attempts: 2 });
      expect(retried?.nextAttemptAt).toEqual(at(5));
      expect(await h.store.retryNotification({ id: n.id, at: at(6) })).toBeNull();
      const third = await claimOne(h.store, 'w3', at(5));
      await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 3, owner: 'w3', at: at(6), outcome: 'sent', providerMessageId: 'wamid.R' });
      const attempts = await h.store.listNotificationAttempts(third.id);
      expect(attempts.map((a) => [a.number, a.owner, a.outcome, a.error?.code ?? null])).toEqual([
        [1, 'w1', 'retrying', 'rate_limited'],
        [2, 'w2', 'failed', 'undeliverable'],
        [3, 'w3', 'sent', null],
      ]);
    });

    it('hands an expired lease whose send never started to another dispatcher; the stale one may not send', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store, 'w1', at(0));
      expect(await h.store.expireNotificationLeases({ now: at(0.5), limit: 10 })).toEqual([]);
      const expired = await h.store.expireNotificationLeases({ now: at(1), limit: 10 });
      expect(expired.map((x) => [x.id, x.status])).toEqual([[n.id, 'pending']]);
      const taken = await claimOne(h.store, 'w2', at(1));
      expect(taken).toMatchObject({ id: n.id, attempts: 2, leaseOwner: 'w2' });
      expect(await h.store.startNotificationSend({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(1) })).toBe(false);
      expect(await h.store.startNotificationSend({ notificationId: n.id, attempt: 2, owner: 'w2', at: at(1) })).toBe(true);
      expect(await h.store.startNotificationSend({ notificationId: n.id, attempt: 2, owner: 'w2', at: at(1) })).toBe(false);
      expect((await h.store.listNotificationAttempts(n.id)).map((a) => [a.number, a.owner, a.outcome])).toEqual([
        [1, 'w1', 'expired'],
        [2, 'w2', null],
      ]);
    });

    it('refuses to start a send after the lease expired', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store, 'w1', at(0));
      expect(await h.store.startNotificationSend({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(1) })).toBe(false);
      expect(await h.store.startNotificationSend({ notificationId: n.id, attempt: 1, owner: 'intruder', at: at(0) })).toBe(false);
    });

    it('turns an expired lease whose send started into uncertain, never back into the queue', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await startOne(h.store, 'w1', at(0));
      const expired = await h.store.expireNotificationLeases({ now: at(1), limit: 10 });
      expect(expired.map((x) => [x.id, x.status])).toEqual([[n.id, 'uncertain']]);
      expect(await h.store.claimNotifications({ channelId: 'main', owner: 'w2', now: at(60), leaseMs: 60_000, limit: 5 })).toEqual([]);
      // The slow original owner finishing still tells the truth.
      const late = await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(2), outcome: 'sent', providerMessageId: 'wamid.LATE' });
      expect(late?.status).toBe('sent');
    });

    it('reconciles an uncertain notification from a receipt that echoes its reference', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await startOne(h.store, 'w1', at(0));
      await h.store.expireNotificationLeases({ now: at(2), limit: 10 });
      const result = await h.store.applyNotificationStatus({ channelId: 'main', providerMessageId: 'wamid.ECHO', reference: n.id, status: 'sent', at: at(3) });
      expect(result).toMatchObject({ outcome: 'applied', previous: 'uncertain', notification: { status: 'sent', providerMessageId: 'wamid.ECHO' } });
      const delivered = await h.store.applyNotificationStatus({ channelId: 'main', providerMessageId: 'wamid.ECHO', status: 'delivered', at: at(4) });
      expect(delivered).toMatchObject({ outcome: 'applied', notification: { status: 'delivered' } });
    });

    it('applies receipts monotonically and reports receipts that are not notifications', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store);
      await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(1), outcome: 'sent', providerMessageId: 'wamid.M' });
      const apply = (status: 'sent' | 'delivered' | 'read' | 'failed', minute: number) =>
        h.store.applyNotificationStatus({ channelId: 'main', providerMessageId: 'wamid.M', status, at: at(minute) });
      expect(await apply('read', 3)).toMatchObject({ outcome: 'applied', previous: 'sent', notification: { status: 'read' } });
      expect(await apply('delivered', 2)).toMatchObject({ outcome: 'ignored' });
      expect(await apply('failed', 4)).toMatchObject({ outcome: 'ignored' });
      const stored = await h.store.getNotification(n.id);
      expect(stored?.readAt).toEqual(at(3));
      expect(await h.store.applyNotificationStatus({ channelId: 'main', providerMessageId: 'unknown', status: 'read', at: at(5) })).toEqual({ outcome: 'not_found' });
      expect(await h.store.applyDeliveryStatus({ channelId: 'main', providerMessageId: 'unknown', status: 'read', at: at(5), bufferIfUnknown: false })).toEqual({ outcome: 'unknown' });
    });

    it('records a provider failure receipt with its error, and finishes timeouts as uncertain', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store);
      await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(1), outcome: 'sent', providerMessageId: 'wamid.F' });
      const failed = await h.store.applyNotificationStatus({ channelId: 'main', providerMessageId: 'wamid.F', status: 'failed', error: { code: 'window_closed', message: 'Re-engagement message', providerCode: '131047' }, at: at(2) });
      expect(failed).toMatchObject({ outcome: 'applied', notification: { status: 'failed', error: { providerCode: '131047' } } });

      await h.store.enqueueNotification(enqueueInput());
      const t = await claimOne(h.store, 'w1', at(3));
      const uncertain = await h.store.completeNotificationAttempt({ notificationId: t.id, attempt: 1, owner: 'w1', at: at(4), outcome: 'uncertain', error: { code: 'timeout', message: 'no answer in 30 s' } });
      expect(uncertain).toMatchObject({ status: 'uncertain', error: { code: 'timeout' } });
    });

    it('settles uncertain notifications by resending or marking sent', async () => {
      const a = await h.store.enqueueNotification(enqueueInput());
      const b = await h.store.enqueueNotification(enqueueInput());
      for (const n of await h.store.claimNotifications({ channelId: 'main', owner: 'w1', now: at(0), leaseMs: 1000, limit: 5 })) {
        await h.store.startNotificationSend({ notificationId: n.id, attempt: 1, owner: 'w1', at: at(0) });
      }
      await h.store.expireNotificationLeases({ now: at(1), limit: 10 });
      expect(await h.store.retryNotification({ id: a.notification.id, at: at(2) })).toBeNull();
      const resend = await h.store.resolveUncertainNotification({ id: a.notification.id, action: 'resend', at: at(2) });
      expect(resend).toMatchObject({ status: 'pending', attempts: 1 });
      const marked = await h.store.resolveUncertainNotification({ id: b.notification.id, action: 'mark-sent', at: at(2) });
      expect(marked).toMatchObject({ status: 'sent' });
      expect(await h.store.resolveUncertainNotification({ id: b.notification.id, action: 'resend', at: at(3) })).toBeNull();
      expect((await h.store.listNotificationAttempts(a.notification.id)).map((x) => x.outcome)).toEqual(['uncertain']);
      const [again] = await h.store.claimNotifications({ channelId: 'main', owner: 'w2', now: at(2), leaseMs: 1000, limit: 5 });
      expect(again).toMatchObject({ id: a.notification.id, attempts: 2 });
    });

    it('releases unstarted leases back to the queue, closing the attempt as released', async () => {
      await h.store.enqueueNotification(enqueueInput());
      const n = await claimOne(h.store, 'w1', at(0));
      expect(await h.store.releaseNotifications({ owner: 'other', ids: [n.id], at: at(1) })).toBe(0);
      expect(await h.store.releaseNotifications({ owner: 'w1', ids: [n.id], at: at(1) })).toBe(1);
      const released = await h.store.getNotification(n.id);
      expect(released).toMatchObject({ status: 'pending', attempts: 1, leaseOwner: null });
      expect((await h.store.listNotificationAttempts(n.id)).map((a) => a.outcome)).toEqual(['released']);
      const again = await claimOne(h.store, 'w2', at(1));
      expect(again.attempts).toBe(2);
      await h.store.startNotificationSend({ notificationId: n.id, attempt: 2, owner: 'w2', at: at(1) });
      expect(await h.store.releaseNotifications({ owner: 'w2', ids: [n.id], at: at(1) })).toBe(0);
      expect((await h.store.completeNotificationAttempt({ notificationId: n.id, attempt: 2, owner: 'w2', at: at(2), outcome: 'sent', providerMessageId: 'p2' }))?.status).toBe('sent');
      expect((await h.store.listNotificationAttempts(n.id)).map((a) => [a.number, a.outcome])).toEqual([
        [1, 'released'],
        [2, 'sent'],
      ]);
    });

    it('lists and counts the log by status, key prefix, phone, dates and due time, newest first in pages', async () => {
      const a = await h.store.enqueueNotification(enqueueInput({ key: 'complaint:1:created', at: at(1), nextAttemptAt: at(1) }));
      const b = await h.store.enqueueNotification(enqueueInput({ key: 'complaint:2:created', at: at(2), nextAttemptAt: at(50), phone: '+966501234567', to: '+966501234567' }));
      const c = await h.store.enqueueNotification(enqueueInput({ key: 'delivery:9:failed', at: at(3), status: 'skipped', skipReason: 'blocked', nextAttemptAt: null }));
      const ids = async (q: Parameters<Store['listNotifications']>[0]) => (await h.store.listNotifications(q)).items.map((n) => n.id);
      expect(await ids({ limit: 10 })).toEqual([c, b, a].map((r) => r.notification.id));
      expect(await ids({ limit: 10, keyPrefix: 'complaint:' })).toEqual([b, a].map((r) => r.notification.id));
      expect(await ids({ limit: 10, status: ['skipped'] })).toEqual([c.notification.id]);
      expect(await ids({ limit: 10, phone: '+966501234567' })).toEqual([b.notification.id]);
      expect(await ids({ limit: 10, from: at(2), to: at(3) })).toEqual([b.notification.id]);
      const first = await h.store.listNotifications({ limit: 2 });
      expect((await h.store.listNotifications({ limit: 2, cursor: first.nextCursor! })).items.map((n) => n.id)).toEqual([a.notification.id]);
      const counts = await h.store.countNotifications({});
      expect(counts).toMatchObject({ pending: 2, skipped: 1, sent: 0, failed: 0, uncertain: 0 });
      expect(Object.keys(counts).sort()).toEqual(['delivered', 'failed', 'pending', 'read', 'retrying', 'sending', 'sent', 'skipped', 'uncertain']);
      expect((await h.store.countNotifications({ dueBy: at(10) })).pending).toBe(1);
      expect((await h.store.countNotifications({ keyPrefix: 'delivery:' })).skipped).toBe(1);
    });
  });

  describe('opt-out, segments and campaigns', () => {
    it('opts customers out and back in', async () => {
      const { customer } = await h.store.upsertCustomer({ identity: PHONE, phone: PHONE, name: null, at: T0 });
      expect(customer).toMatchObject({ optedOut: false, optedOutAt: null });
      const out = await h.store.setCustomerOptOut({ customerId: customer.id, optedOut: true, at: at(1) });
      expect(out).toMatchObject({ optedOut: true });
      expect(out?.optedOutAt).toEqual(at(1));
      expect(await h.store.setCustomerOptOut({ customerId: customer.id, optedOut: false, at: at(2) })).toMatchObject({ optedOut: false, optedOutAt: null });
      expect(await h.store.setCustomerOptOut({ customerId: 'cus_missing', optedOut: true, at: at(2) })).toBeNull();
    });

    it('finds customers by all their tags and by last contact on a channel', async () => {
      const old = accepted(await h.store.ingestInbound(inbound({ phone: '+201001111111', at: at(0), providerTimestamp: at(0) }))).customer;
      const recent = accepted(await h.store.ingestInbound(inbound({ phone: '+201002222222', at: at(100), providerTimestamp: at(100) }))).customer;
      const other = accepted(await h.store.ingestInbound(inbound({ phone: '+201003333333', at: at(100), providerTimestamp: at(100), channelId: 'other' }))).customer;
      await h.store.updateCustomer(old.id, { tags: ['vip', 'giza'], at: at(101) });
      await h.store.updateCustomer(recent.id, { tags: ['vip'], at: at(101) });
      const ids = async (q: Omit<Parameters<Store['listCustomers']>[0], 'limit'>) => (await h.store.listCustomers({ limit: 10, ...q })).items.map((c) => c.id).sort();
      expect(await ids({ tags: ['vip'] })).toEqual([old.id, recent.id].sort());
      expect(await ids({ tags: ['vip', 'giza'] })).toEqual([old.id]);
      expect(await ids({ channelId: 'main', lastInboundAfter: at(50) })).toEqual([recent.id]);
      expect(await ids({ channelId: 'main', lastInboundBefore: at(50) })).toEqual([old.id]);
      expect(await ids({ channelId: 'other', lastInboundAfter: at(0) })).toEqual([other.id]);
    });

    it('stores campaigns and their runs', async () => {
      const campaign = await h.store.createCampaign({
        name: 'Ramadan offers',
        channelId: 'main',
        content: { type: 'template', name: 'ramadan_offer', language: 'ar', components: [] },
        audience: { type: 'segment', tags: ['vip'], lastContactAfter: at(0) },
        scheduledAt: at(60),
        at: T0,
      });
      expect(campaign).toMatchObject({ name: 'Ramadan offers', status: 'draft', recipients: 0, audience: { type: 'segment', tags: ['vip'] } });
      expect(campaign.id).toMatch(/^cmp_/);
      expect(campaign.scheduledAt).toEqual(at(60));
      if (campaign.audience.type === 'segment') expect(campaign.audience.lastContactAfter).toEqual(at(0));
      const run = await h.store.updateCampaign(campaign.id, { status: 'running', recipients: 42, at: at(1) });
      expect(run).toMatchObject({ status: 'running', recipients: 42 });
      expect(await h.store.getCampaign(campaign.id)).toEqual(run);
      const second = await h.store.createCampaign({ name: 'B', channelId: 'main', content: text('hi'), audience: { type: 'list', phones: [PHONE] }, scheduledAt: T0, at: at(2) });
      expect((await h.store.listCampaigns({ limit: 10 })).items.map((c) => c.id)).toEqual([second.id, campaign.id]);
      expect(await h.store.updateCampaign('cmp_missing', { status: 'completed', at: at(3) })).toBeNull();
    });
  });
}
