import { describe, expect, it } from 'vitest';
import { DriverError, IdempotencyConflictError, InvalidPhoneError, ValidationError } from '../../errors.js';
import type { Notification } from '../../notifications/notification-model.js';
import type { StoreContractOptions } from './harness.js';
import { overriding, phone, usePipeline, type Desk, type DeskOptions } from './pipeline-harness.js';

const HOUR_MS = 3_600_000;
/** Fast lanes unless a test is about the rate limit: the manual clock would otherwise hold sends. */
const fast: DeskOptions = {
  // Explicit `dispatch()` calls drive sending; a coarse poll keeps long clock jumps cheap.
  notifications: { rateLimits: { main: { ratePerSecond: 100_000, concurrency: 32 } }, dispatcher: { random: () => 0.5, pollIntervalMs: HOUR_MS } },
  maintenanceIntervalMs: HOUR_MS,
};

/** Advance the manual clock in steps while `work` runs (rate limits and backoff sleep on it). */
async function whileAdvancing<T>(desk: Desk, work: Promise<T>, stepMs = 100, maxSteps = 10_000): Promise<T> {
  let done = false;
  const result = work.finally(() => {
    done = true;
  });
  for (let i = 0; i < maxSteps && !done; i++) await desk.clock.advance(stepMs);
  return result;
}

export function notificationsPipelineContract(options: StoreContractOptions): void {
  describe('notifications on this store', () => {
    const desk = usePipeline(options);

    it('sends exactly 400 messages for 1,000 concurrent sends of 400 keys', async () => {
      const d = await desk(fast);
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          d.sb.notifications.send({ key: `order:${i % 400}:shipped`, to: phone(i % 400), text: 'Order {{order}} has shipped', vars: { order: i % 400 } }),
        ),
      );
      expect(results.filter((r) => !r.repeated)).toHaveLength(400);
      expect(new Set(results.map((r) => r.notification.id)).size).toBe(400);
      await d.sb.notifications.dispatch();
      expect(d.sim.sent).toHaveLength(400);
      expect(new Set(d.sim.sent.map((s) => s.reference)).size).toBe(400);
      expect(await d.oracle.countNotifications({ status: 'sent' })).toBe(400);
      expect(d.sim.sent.find((s) => s.to.phone === phone(7))?.content).toEqual({ type: 'text', text: 'Order 7 has shipped' });
      // Repeats after sending still send nothing.
      const late = await d.sb.notifications.send({ key: 'order:7:shipped', to: phone(7), text: 'Order {{order}} has shipped', vars: { order: 7 } });
      expect(late).toMatchObject({ repeated: true, notification: { status: 'sent' } });
      await d.sb.notifications.dispatch();
      expect(d.sim.sent).toHaveLength(400);
    }, 120_000); // a single-connection store (PGlite) serializes all 1,000 sends

    it('refuses the same key with a different payload and leaves the original untouched', async () => {
      const d = await desk(fast);
      const { notification } = await d.sb.notifications.send({ key: 'complaint:123:engineer_assigned', to: phone(1), text: 'Engineer Omar is on the way' });
      const conflict = await d.sb.notifications.send({ key: 'complaint:123:engineer_assigned', to: phone(1), text: 'Engineer Ali is on the way' }).catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(IdempotencyConflictError);
      expect((conflict as IdempotencyConflictError).code).toBe('idempotency_conflict');
      expect((conflict as Error).message).toMatch(/complaint:123:engineer_assigned/);
      await expect(d.sb.notifications.send({ key: 'complaint:123:engineer_assigned', to: phone(2), text: 'Engineer Omar is on the way' })).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await d.sb.notifications.getByKey('complaint:123:engineer_assigned')).toMatchObject({
        id: notification.id,
        to: phone(1),
        content: { type: 'text', text: 'Engineer Omar is on the way' },
        requestHash: notification.requestHash,
      });
      // Metadata and timing are not part of the comparison.
      const same = await d.sb.notifications.send({ key: 'complaint:123:engineer_assigned', to: phone(1), text: 'Engineer Omar is on the way', metadata: { retry: true }, notBefore: new Date() });
      expect(same.repeated).toBe(true);
    });

    it('retries retryable errors with growing backoff, fails permanent ones at once, and retry(id) keeps both attempts', async () => {
      const d = await desk(fast);
      d.sim.failNextSend(new DriverError('rate_limited', 'slow down', { retryable: true, providerCode: '130429' }), 2);
      const { notification } = await d.sb.notifications.send({ key: 'k:retry', to: phone(1), text: 'hello' });
      for (let i = 0; i < 10 && (await d.sb.notifications.get(notification.id)).status !== 'sent'; i++) {
        await d.sb.notifications.dispatch();
        const current = await d.sb.notifications.get(notification.id);
        if (current.nextAttemptAt) await d.clock.set(current.nextAttemptAt);
      }
      const attempts = await d.sb.notifications.attempts(notification.id);
      expect(attempts.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'sent']);
      const gaps = [attempts[1]!.startedAt.getTime() - attempts[0]!.startedAt.getTime(), attempts[2]!.startedAt.getTime() - attempts[1]!.startedAt.getTime()];
      expect(gaps[0]).toBeGreaterThan(0);
      expect(gaps[1]).toBeGreaterThan(gaps[0]!);
      expect(d.sim.sent).toHaveLength(1);
      expect(d.seen['notification.retrying']).toHaveLength(2);

      d.sim.failNextSend(new DriverError('undeliverable', 'not a WhatsApp number', { providerCode: '131026' }));
      const { notification: bad } = await d.sb.notifications.send({ key: 'k:permanent', to: phone(2), text: 'hello' });
      await d.sb.notifications.dispatch();
      await d.clock.advance(HOUR_MS);
      await d.sb.notifications.dispatch();
      const failed = await d.sb.notifications.get(bad.id);
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'undeliverable', providerCode: '131026' } });
      expect(d.seen['notification.failed']?.map((e) => e.notification.id)).toEqual([bad.id]);

      const retried = await d.sb.notifications.retry(bad.id, { type: 'user', id: 'admin-1' });
      expect(retried.status).toBe('pending');
      await d.sb.notifications.dispatch();
      expect((await d.sb.notifications.get(bad.id)).status).toBe('sent');
      expect((await d.sb.notifications.attempts(bad.id)).map((a) => [a.number, a.outcome, a.error?.providerCode ?? null])).toEqual([
        [1, 'failed', '131026'],
        [2, 'sent', null],
      ]);
      expect((await d.sb.audit.list({ entityType: 'notification', entityId: bad.id })).items.map((e) => e.action)).toEqual(['notification.retried']);
      await expect(d.sb.notifications.retry(bad.id)).rejects.toBeInstanceOf(ValidationError);
    });

    it('marks a send as uncertain when the dispatcher dies after the provider accepted it, and never resends it', async () => {
      const survivor = await desk(fast);
      const crashing = await desk({
        ...fast,
        sameStoreAs: survivor,
        wrapStore: (store) =>
          overriding(store, {
            completeNotificationAttempt: async () => {
              throw new Error('process killed');
            },
          }),
      });
      const { notification } = await crashing.sb.notifications.send({ key: 'crash:1', to: phone(1), text: 'your invoice' });
      await crashing.sb.notifications.dispatch();
      expect(crashing.sim.sent).toHaveLength(1);
      expect((await survivor.sb.notifications.get(notification.id)).status).toBe('sending');
      await crashing.sb.stop();

      await survivor.clock.advance(6 * 60_000);
      await survivor.sb.notifications.dispatch();
      const uncertain = await survivor.sb.notifications.get(notification.id);
      expect(uncertain.status).toBe('uncertain');
      expect(survivor.seen['notification.uncertain']?.map((e) => e.notification.id)).toEqual([notification.id]);
      await survivor.clock.advance(HOUR_MS);
      await survivor.sb.notifications.dispatch();
      expect(survivor.sim.sent).toHaveLength(0);

      // The provider echoes our reference on its status callback: the truth comes back.
      const accepted = crashing.sim.sent[0]!;
      await survivor.sb.dispatch('main', survivor.sim.receiptEvent(accepted.providerMessageId, 'sent', { reference: accepted.reference }));
      expect(await survivor.sb.notifications.get(notification.id)).toMatchObject({ status: 'sent', providerMessageId: accepted.providerMessageId });
      expect(survivor.sim.sent).toHaveLength(0);
    });

    it('takes over notifications a dead dispatcher leased but never started, and sends each once', async () => {
      // No timer-driven dispatching: only the explicit passes below run.
      const survivor = await desk({ ...fast, notifications: { ...fast.notifications, dispatcher: { enabled: false } } });
      const sent = await Promise.all([1, 2, 3].map((i) => survivor.store.enqueueNotification({
        key: `ghost:${i}`, channelId: 'main', to: phone(i), phone: phone(i), content: { type: 'text', text: 'x' }, fallback: null, metadata: {},
        requestHash: 'h', status: 'pending', skipReason: null, nextAttemptAt: survivor.clock.now(), at: survivor.clock.now(),
      })));
      const leased = await survivor.store.claimNotifications({ channelId: 'main', owner: 'ghost', now: survivor.clock.now(), leaseMs: 5 * 60_000, limit: 10 });
      expect(leased).toHaveLength(3);
      await survivor.sb.notifications.dispatch();
      expect(survivor.sim.sent).toHaveLength(0);
      await survivor.clock.advance(6 * 60_000);
      await survivor.sb.notifications.dispatch();
      expect(survivor.sim.sent.map((s) => s.reference).sort()).toEqual(sent.map((r) => r.notification.id).sort());
      expect((await survivor.sb.notifications.attempts(sent[0]!.notification.id)).map((a) => [a.owner === 'ghost', a.outcome])).toEqual([
        [true, 'expired'],
        [false, 'sent'],
      ]);
    });

    it('lets an operator settle an uncertain notification', async () => {
      const d = await desk(fast);
      d.sim.failNextSend(new DriverError('timeout', 'no answer in 30 s', { retryable: true }));
      const { notification } = await d.sb.notifications.send({ key: 'timeout:1', to: phone(1), text: 'x' });
      await d.sb.notifications.dispatch();
      expect(await d.sb.notifications.get(notification.id)).toMatchObject({ status: 'uncertain', error: { code: 'timeout' } });
      expect(d.sim.sent).toHaveLength(0);
      const resend = await d.sb.notifications.resolveUncertain(notification.id, 'resend', { type: 'user', id: 'ops' });
      expect(resend.status).toBe('pending');
      await d.sb.notifications.dispatch();
      expect(await d.sb.notifications.get(notification.id)).toMatchObject({ status: 'sent', attempts: 2 });
      await expect(d.sb.notifications.resolveUncertain(notification.id, 'mark-sent')).rejects.toBeInstanceOf(ValidationError);
    });

    it('waits for the status echo after a timeout on a reference-echoing channel instead of resending', async () => {
      const d = await desk({ ...fast, simulator: { capabilities: { echoesReference: true } } });
      // The provider accepted the message but the response was lost.
      const original = d.sim.send.bind(d.sim);
      let lose = true;
      d.sim.send = async (message) => {
        const result = await original(message);
        if (lose) {
          lose = false;
          throw new DriverError('timeout', 'no answer in 30 s', { retryable: true });
        }
        return result;
      };
      const { notification } = await d.sb.notifications.send({ key: 'echo:1', to: phone(1), text: 'x' });
      await d.sb.notifications.dispatch();
      expect((await d.sb.notifications.get(notification.id)).status).toBe('retrying');
      const accepted = d.sim.sent[0]!;
      await d.sim.receipt(accepted.providerMessageId, 'delivered', { reference: accepted.reference });
      expect((await d.sb.notifications.get(notification.id)).status).toBe('delivered');
      await d.clock.advance(HOUR_MS);
      await d.sb.notifications.dispatch();
      expect(d.sim.sent).toHaveLength(1);
    });

    it('skips opted-out, blocked and invalid numbers with the reason; STOP (also in Arabic) opts out', async () => {
      const d = await desk({ ...fast, notifications: { ...fast.notifications, blockedNumbers: ['+20 100 999 9999'] } });
      await d.sb.customers.optOut({ phone: phone(1) });
      await d.sim.receive({ from: phone(2), text: ' stop ' });
      await d.sim.receive({ from: phone(3), text: 'إيقاف' });
      await d.sim.receive({ from: phone(4), text: 'please stop sending me these' });
      expect(d.seen['customer.opted_out']).toHaveLength(3);
      const send = (key: string, to: string) => d.sb.notifications.send({ key, to, text: 'Your service request was created' });
      const results = await Promise.all([send('a', phone(1)), send('b', phone(2)), send('c', phone(3)), send('d', '+201009999999'), send('e', '12345'), send('f', phone(4))]);
      expect(results[4]!.notification).toMatchObject({ status: 'skipped', skipReason: 'invalid_phone', phone: null });
      await d.sb.notifications.dispatch();
      const reasons = await Promise.all(results.map(async (r) => (await d.sb.notifications.get(r.notification.id)).skipReason));
      expect(reasons).toEqual(['opted_out', 'opted_out', 'opted_out', 'blocked', 'invalid_phone', null]);
      expect(d.sim.sent.map((s) => s.to.phone)).toEqual([phone(4)]);
      await d.sb.customers.optIn({ phone: phone(1) });
      await d.sb.notifications.send({ key: 'a2', to: phone(1), text: 'welcome back' });
      await d.sb.notifications.dispatch();
      expect(d.sim.sentTo(phone(1))).toHaveLength(1);
    });

    it('sends text inside the service window and the template fallback outside it', async () => {
      const d = await desk({ ...fast, simulator: { capabilities: { serviceWindowHours: 24 } }, tickets: { autoCloseAfterMs: null } });
      await d.sim.receive({ from: phone(1), text: 'hi' });
      await d.sim.receive({ from: phone(2), text: 'hi' });
      await d.clock.advance(25 * HOUR_MS);
      await d.sim.receive({ from: phone(2), text: 'still there?' });
      const template = { name: 'delivery_rescheduled', language: 'en', params: ['Tuesday'] };
      const onlyText = await d.sb.notifications.send({ key: 'w1', to: phone(1), text: 'Your delivery moved to Tuesday' });
      const withFallback = await d.sb.notifications.send({ key: 'w2', to: phone(1), text: 'Your delivery moved to Tuesday', template });
      const inWindow = await d.sb.notifications.send({ key: 'w3', to: phone(2), text: 'Your delivery moved to Tuesday', template });
      await d.sb.notifications.dispatch();
      expect((await d.sb.notifications.get(onlyText.notification.id)).skipReason).toBe('window_closed');
      expect((await d.sb.notifications.get(withFallback.notification.id)).status).toBe('sent');
      expect(d.sim.sentTo(phone(1)).map((s) => s.content.type)).toEqual(['template']);
      expect(d.sim.sentTo(phone(1))[0]!.content).toMatchObject({ name: 'delivery_rescheduled', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Tuesday' }] }] });
      expect(d.sim.sentTo(phone(2)).map((s) => s.content.type)).toEqual(['text']);
      expect((await d.sb.notifications.get(inWindow.notification.id)).status).toBe('sent');
    });

    it('moves statuses forward on receipts and emits an event for each change', async () => {
      const d = await desk(fast);
      const { notification } = await d.sb.notifications.send({ key: 'r:1', to: phone(1), text: 'x' });
      await d.sb.notifications.dispatch();
      const pid = d.sim.sent[0]!.providerMessageId;
      await d.sim.receipt(pid, 'read');
      await d.sim.receipt(pid, 'delivered');
      await d.sim.receipt(pid, 'sent');
      const stored = await d.sb.notifications.get(notification.id);
      expect(stored.status).toBe('read');
      expect(stored.readAt).not.toBeNull();
      const events = (name: 'notification.queued' | 'notification.sent' | 'notification.read' | 'notification.delivered') => d.seen[name]?.map((e) => (e.notification as Notification).id) ?? [];
      expect(events('notification.queued')).toEqual([notification.id]);
      expect(events('notification.sent')).toEqual([notification.id]);
      expect(events('notification.read')).toEqual([notification.id]);
      expect(events('notification.delivered')).toEqual([]);
    });

    it('holds a notification until notBefore', async () => {
      const d = await desk(fast);
      const at = new Date(d.clock.now().getTime() + HOUR_MS);
      const { notification } = await d.sb.notifications.send({ key: 'later', to: phone(1), text: 'reminder', notBefore: at.toISOString() });
      await d.sb.notifications.dispatch();
      expect(d.sim.sent).toHaveLength(0);
      await d.clock.set(at);
      await d.sb.notifications.dispatch();
      expect((await d.sb.notifications.get(notification.id)).status).toBe('sent');
    });

    it('rejects bad input with typed errors naming the field, and stores nothing', async () => {
      const d = await desk(fast);
      const bad = [
        { key: '', to: phone(1), text: 'x' },
        { key: ' padded ', to: phone(1), text: 'x' },
        { key: 'k', to: phone(1) },
        { key: 'k', to: phone(1), text: 'Hello {{name}}, order {{order.id}}', vars: { order: {} } },
        { key: 'k', to: phone(1), text: 'x', channel: 'nope' },
        { key: 'k', to: phone(1), text: 'x', metadata: { blob: 'x'.repeat(20_000) } },
        { key: 'k', to: phone(1), text: 'x', surprise: true },
      ];
      const errors = await Promise.all(bad.map((input) => d.sb.notifications.send(input as never).catch((e: unknown) => e)));
      expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'validation_failed',
        'unknown_channel',
        'validation_failed',
        'validation_failed',
      ]);
      expect((errors[3] as ValidationError).issues.map((i) => i.path)).toEqual(['vars.name', 'vars.order.id']);
      expect(await d.oracle.countNotifications({})).toBe(0);
      await expect(d.sb.notifications.list({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('lists the log by event, status and phone, with counts', async () => {
      const d = await desk(fast);
      await d.sb.notifications.send({ key: 'complaint:1:created', to: phone(1), text: 'a' });
      await d.sb.notifications.send({ key: 'complaint:2:created', to: phone(2), text: 'b' });
      await d.sb.notifications.send({ key: 'delivery:1:failed', to: 'nope', text: 'c' });
      await d.sb.notifications.dispatch();
      expect((await d.sb.notifications.list({ event: 'complaint:' })).items.map((n) => n.key)).toEqual(['complaint:2:created', 'complaint:1:created']);
      expect((await d.sb.notifications.list({ status: 'skipped' })).items.map((n) => n.key)).toEqual(['delivery:1:failed']);
      await expect(d.sb.notifications.list({ phone: 'not a phone' })).rejects.toBeInstanceOf(InvalidPhoneError);
      expect((await d.sb.notifications.list({ phone: phone(2) })).items.map((n) => n.key)).toEqual(['complaint:2:created']);
      expect(await d.sb.notifications.counts({ event: 'complaint:' })).toMatchObject({ sent: 2, skipped: 0 });
    });

    it('runs a 500-recipient campaign twice and sends 500 messages; its rates add up', async () => {
      const d = await desk(fast);
      const phones = Array.from({ length: 500 }, (_, i) => phone(1000 + i));
      const campaign = await d.sb.campaigns.create({ name: 'Eid greetings', template: { name: 'eid_greeting', language: 'ar' }, audience: { type: 'list', phones: [...phones, phones[0]!] } });
      await d.sb.campaigns.run(campaign.id);
      await d.sb.campaigns.run(campaign.id);
      await d.sb.notifications.dispatch();
      expect(d.sim.sent).toHaveLength(500);
      for (const sent of d.sim.sent.slice(0, 300)) await d.sim.receipt(sent.providerMessageId, 'delivered');
      for (const sent of d.sim.sent.slice(0, 100)) await d.sim.receipt(sent.providerMessageId, 'read');
      const progress = await d.sb.campaigns.progress(campaign.id);
      expect(progress.total).toBe(500);
      expect(progress.campaign.status).toBe('completed');
      expect(progress.campaign.recipients).toBe(500);
      expect(progress.rates).toEqual({ sent: 1, delivered: 0.6, read: 0.2, failed: 0, skipped: 0, waiting: 0 });
      expect(progress.rates.sent + progress.rates.failed + progress.rates.skipped + progress.rates.waiting).toBe(1);
    });

    it('targets a segment by tags and last contact, not before its scheduled time', async () => {
      const d = await desk(fast);
      for (const i of [1, 2, 3]) await d.sim.receive({ from: phone(i), text: 'hi' });
      await d.clock.advance(3 * 24 * HOUR_MS);
      await d.sim.receive({ from: phone(4), text: 'hi' });
      for (const i of [1, 2, 4]) {
        const customer = await d.sb.customers.findByPhone(phone(i));
        await d.sb.customers.tag(customer!.id, ['vip']);
      }
      const since = new Date(d.clock.now().getTime() - 24 * HOUR_MS);
      const scheduledAt = new Date(d.clock.now().getTime() + HOUR_MS);
      const recent = await d.sb.campaigns.create({ name: 'recent vips', text: 'Thanks for visiting', audience: { type: 'segment', tags: ['vip'], lastContactAfter: since }, scheduledAt });
      const progress = await d.sb.campaigns.run(recent.id);
      expect(progress.total).toBe(1);
      await d.sb.notifications.dispatch();
      expect(d.sim.sent).toHaveLength(0);
      await d.clock.set(scheduledAt);
      await d.sb.notifications.dispatch();
      expect(d.sim.sent.map((s) => s.to.phone)).toEqual([phone(4)]);
    });

    it('never sends more than the channel’s rate limit in any one-second window', async () => {
      const d = await desk({ notifications: { rateLimits: { main: { ratePerSecond: 50, concurrency: 8 } } } });
      for (let i = 0; i < 500; i++) await d.sb.notifications.send({ key: `rate:${i}`, to: phone(i), text: 'x' });
      await whileAdvancing(d, d.sb.notifications.dispatch(), 50);
      expect(d.sim.sent).toHaveLength(500);
      const times = d.sim.sent.map((s) => s.at.getTime()).sort((a, b) => a - b);
      let busiest = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[j]! < times[i]! - 999) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      expect(busiest).toBe(50);
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(9000);
    });

    it('uses no rate-limit slot for a send refused because its lease was lost', async () => {
      let refusals = 1;
      const d = await desk({
        notifications: { rateLimits: { main: { ratePerSecond: 1, concurrency: 2 } }, dispatcher: { pollIntervalMs: HOUR_MS } },
        maintenanceIntervalMs: HOUR_MS,
        // The first send start is refused, as when a stalled dispatcher's lease ran out.
        wrapStore: (store) =>
          overriding(store, {
            startNotificationSend: (input: Parameters<typeof store.startNotificationSend>[0]) =>
              refusals-- > 0 ? Promise.resolve(false) : store.startNotificationSend(input),
          }),
      });
      for (let i = 0; i < 2; i++) await d.sb.notifications.send({ key: `lease-lost:${i}`, to: phone(i), text: 'x' });
      const start = d.clock.now().getTime();
      // The clock stands still: had the refused start used the second's only slot, the other
      // send would wait for the clock forever (and this test time out).
      await d.sb.notifications.dispatch();
      expect(refusals).toBeLessThan(0);
      expect(d.sim.sent).toHaveLength(1);
      expect(d.sim.sent[0]!.at.getTime()).toBe(start);
    });

    it('maintenance drops receipts buffered a day ago for messages never recorded, and keeps newer ones', async (ctx) => {
      const d = await desk({ maintenanceIntervalMs: HOUR_MS, notifications: { dispatcher: { pollIntervalMs: HOUR_MS } } });
      if (!d.store.purgeEarlyReceipts) return ctx.skip();
      // A status webhook for a message sent from the phone, outside Switchboard: buffered, never matched.
      await d.sb.dispatch('main', { type: 'message.status', providerMessageId: 'wamid.ELSEWHERE', status: 'delivered', timestamp: d.clock.now() });
      await d.clock.advance(23 * HOUR_MS);
      await d.sb.dispatch('main', { type: 'message.status', providerMessageId: 'wamid.RECENT', status: 'read', timestamp: d.clock.now() });
      await d.clock.advance(HOUR_MS + 1);
      await d.sb.runMaintenance();
      expect(await d.store.purgeEarlyReceipts({ receivedBefore: d.clock.now() })).toBe(1);
    });

    it('maintenance brings kept KPI state up to date (refreshKpis), so a rollup has nothing left to replay', async (ctx) => {
      const d = await desk({ maintenanceIntervalMs: HOUR_MS, notifications: { dispatcher: { pollIntervalMs: HOUR_MS } } });
      if (!d.store.refreshKpis) return ctx.skip();
      await d.sim.receive({ from: phone(1), text: 'hi' });
      await d.sim.receive({ from: phone(2), text: 'hi' });
      await d.sb.runMaintenance();
      expect(await d.store.refreshKpis()).toBe(0);
      await d.sim.receive({ from: phone(1), text: 'again' });
      expect(await d.store.refreshKpis()).toBe(1);
    });

    it('gives back claimed notifications it has not started when stopped, and another dispatcher sends them', async () => {
      const owner = await desk({ ...fast, notifications: { ...fast.notifications, dispatcher: { enabled: false } } });
      const slow = await desk({ sameStoreAs: owner, notifications: { rateLimits: { main: { ratePerSecond: 10, concurrency: 1 } } } });
      // The provider holds the first send open while the process is asked to stop.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let reached!: () => void;
      const sendReached = new Promise<void>((resolve) => (reached = resolve));
      const send = slow.sim.send.bind(slow.sim);
      slow.sim.send = async (message) => {
        reached();
        await gate;
        return send(message);
      };
      for (let i = 0; i < 5; i++) await owner.sb.notifications.send({ key: `stop:${i}`, to: phone(i), text: 'x' });
      void slow.sb.notifications.dispatch();
      await sendReached;
      expect((await owner.sb.notifications.counts()).sending).toBe(5);
      const stopping = slow.sb.stop();
      release();
      await stopping;
      expect(slow.sim.sent).toHaveLength(1);
      const counts = await owner.sb.notifications.counts();
      expect(counts).toMatchObject({ sending: 0, sent: 1, pending: 4 });
      const all = (await owner.sb.notifications.list()).items;
      const outcomes = (await Promise.all(all.map((n) => owner.sb.notifications.attempts(n.id)))).flat().map((a) => a.outcome);
      expect(outcomes.sort()).toEqual(['released', 'released', 'released', 'released', 'sent']);
      await owner.sb.notifications.dispatch();
      expect(owner.sim.sent).toHaveLength(4);
      expect((await owner.sb.notifications.counts()).sent).toBe(5);
    });
  });
}
