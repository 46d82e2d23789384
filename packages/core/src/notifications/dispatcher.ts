import PQueue from 'p-queue';
import { every } from '../clock.js';
import type { Channel, CoreContext } from '../context.js';
import { isWindowExempt, type MessageContent } from '../domain/message-content.js';
import { DriverError, messageErrorOf, SwitchboardError } from '../errors.js';
import { newId } from '../ids.js';
import { coalesced } from '../coalesced.js';
import { errorForLog } from '../logger.js';
import { assertCanSend } from '../messages/message-service.js';
import type { CompleteNotificationAttemptInput } from '../store/store.js';
import { backoffDelay } from '../backoff.js';
import type { Notification, SkipReason } from './notification-model.js';
import { SlidingWindowLimiter } from './rate-limiter.js';

const HOUR_MS = 3_600_000;

export interface LaneSettings {
  /** Sends per second on this channel (Cloud API default: 80). */
  ratePerSecond: number;
  /** Sends in flight at once. */
  concurrency: number;
}

export interface DispatcherSettings {
  /** Run the dispatcher in this process (default true; turn off in API-only processes). */
  enabled: boolean;
  pollIntervalMs: number;
  /** A lease longer than any send can take; after it, a `sending` notification becomes `uncertain`. */
  leaseMs: number;
  /** Attempts before a retryable failure becomes `failed`. */
  maxAttempts: number;
  /** Exponential backoff with ±20 % jitter between attempts. */
  backoff: { baseMs: number; maxMs: number; random: () => number };
  /**
   * After a timeout on a channel whose provider echoes our reference, wait at least this long
   * before retrying, so the status webhook can show the message went through.
   */
  reconcileGraceMs: number;
  lanes: (channelId: string) => LaneSettings;
  /** Throws when a template content no longer matches an APPROVED stored definition. */
  assertSendable: (channelId: string, content: MessageContent) => Promise<void>;
  /** True for staff / blocked numbers (E.164). */
  isBlocked: (phone: string) => boolean | Promise<boolean>;
}

interface Lane {
  channelId: string;
  queue: PQueue;
  limiter: SlidingWindowLimiter;
  /** Claimed, not yet started: released on stop. */
  waiting: Set<string>;
  settings: LaneSettings;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Outcome = DistributiveOmit<CompleteNotificationAttemptInput, 'notificationId' | 'attempt' | 'owner' | 'at'> | { outcome: 'lease_lost' };

/**
 * Sends queued notifications: leases due ones in batches (several dispatchers, in this process
 * or others, never hold the same one), sends each through its channel's driver under the
 * channel's rate limit and concurrency, retries retryable failures with backoff, and records
 * every outcome. A dispatcher that dies mid-send leaves a lease that expires into `uncertain`.
 */
export class NotificationDispatcher {
  readonly owner = newId('att');
  readonly #ctx: CoreContext;
  readonly #settings: DispatcherSettings;
  readonly #lanes = new Map<string, Lane>();
  readonly #onChange: (n: Notification, previous: Notification['status']) => void;
  #stopTimer: (() => void) | undefined;
  #stopped = false;
  readonly #ticks = coalesced(
    () => this.#pass(),
    (error) => {
      this.#ctx.logger.error({ err: errorForLog(error) }, 'notification dispatch pass failed');
      this.#ctx.emit('error', { error: error as Error, context: 'notifications.dispatch' });
    },
  );

  constructor(ctx: CoreContext, settings: DispatcherSettings, onChange: (n: Notification, previous: Notification['status']) => void) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#onChange = onChange;
  }

  start(): void {
    if (!this.#settings.enabled || this.#stopTimer) return;
    this.#stopTimer = every(this.#ctx.clock, this.#settings.pollIntervalMs, () => this.tick());
  }

  /** Ask for a pass soon (after an enqueue). */
  kick(): void {
    if (this.#settings.enabled && !this.#stopped) void this.tick();
  }

  /**
   * One pass: expired leases are handed back (never started) or become `uncertain` (started),
   * then each channel claims what its lane has room for. Resolves when the claimed notifications
   * are handed to their lanes (not when they are sent).
   */
  tick(): Promise<void> {
    return this.#stopped ? Promise.resolve() : this.#ticks.run();
  }

  /** Run passes until nothing is due and every lane is idle (tests, scripts, shutdown drains). */
  async drain(): Promise<void> {
    while (!this.#stopped) {
      await this.tick();
      await Promise.all([...this.#lanes.values()].map((lane) => lane.queue.onIdle()));
      if (!(await this.#anythingDue())) return;
    }
  }

  /** Stop claiming, give back claimed-but-unstarted notifications, wait for sends in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopTimer?.();
    await this.#ticks.running;
    for (const lane of this.#lanes.values()) {
      lane.queue.clear();
      if (lane.waiting.size > 0) {
        await this.#ctx.store.releaseNotifications({ owner: this.owner, ids: [...lane.waiting], at: this.#ctx.clock.now() });
        lane.waiting.clear();
      }
    }
    await Promise.all([...this.#lanes.values()].map((lane) => lane.queue.onIdle()));
  }

  async #pass(): Promise<void> {
    const { store, clock } = this.#ctx;
    const expired = await store.expireNotificationLeases({ now: clock.now(), limit: 500 });
    for (const n of expired) this.#onChange(n, 'sending');
    // Expired leases handed back to the queue are due now: claim them in this pass.

    for (const lane of this.#allLanes()) {
      const room = Math.max(lane.settings.ratePerSecond, lane.settings.concurrency * 2) - lane.queue.size - lane.queue.pending;
      if (room <= 0) continue;
      const claimed = await store.claimNotifications({
        channelId: lane.channelId,
        owner: this.owner,
        now: clock.now(),
        leaseMs: this.#settings.leaseMs,
        limit: room,
      });
      for (const n of claimed) {
        lane.waiting.add(n.id);
        void lane.queue.add(() => this.#process(lane, n));
      }
      // A full batch means more may be due: ask for another pass once this one ends.
      if (claimed.length === room) void this.#ticks.run();
    }
  }

  #allLanes(): Lane[] {
    for (const channelId of this.#channelIds()) {
      if (this.#lanes.has(channelId)) continue;
      const settings = this.#settings.lanes(channelId);
      this.#lanes.set(channelId, {
        channelId,
        queue: new PQueue({ concurrency: settings.concurrency }),
        limiter: new SlidingWindowLimiter(this.#ctx.clock, settings.ratePerSecond, 1000),
        waiting: new Set(),
        settings,
      });
    }
    return [...this.#lanes.values()];
  }

  #channelIds(): string[] {
    return this.#ctx.channelIds();
  }

  async #anythingDue(): Promise<boolean> {
    const counts = await this.#ctx.store.countNotifications({ dueBy: this.#ctx.clock.now() });
    return counts.pending + counts.retrying > 0;
  }

  async #process(lane: Lane, n: Notification): Promise<void> {
    lane.waiting.delete(n.id);
    if (this.#stopped) {
      await this.#ctx.store.releaseNotifications({ owner: this.owner, ids: [n.id], at: this.#ctx.clock.now() });
      return;
    }
    let outcome: Outcome;
    try {
      outcome = await this.#attempt(lane, n);
    } catch (error) {
      // A store failure around the send: the lease expires (back to the queue if the send never
      // started, `uncertain` if it did) — never a blind resend.
      this.#ctx.logger.error({ notificationId: n.id, err: errorForLog(error) }, 'notification attempt failed');
      return;
    }
    if (outcome.outcome === 'lease_lost') {
      this.#ctx.logger.warn({ notificationId: n.id, attempt: n.attempts }, 'notification lease lost before sending; another dispatcher owns it');
      return;
    }
    try {
      const stored = await this.#ctx.store.completeNotificationAttempt({
        ...outcome,
        notificationId: n.id,
        attempt: n.attempts,
        owner: this.owner,
        at: this.#ctx.clock.now(),
      } as CompleteNotificationAttemptInput);
      if (stored) this.#onChange(stored, 'sending');
    } catch (error) {
      // The provider may have accepted it and we could not record that: the lease will expire
      // into `uncertain` (or a status webhook echoing our reference reconciles it).
      this.#ctx.logger.error({ notificationId: n.id, err: errorForLog(error) }, 'could not record a notification attempt');
    }
  }

  /** After `attempts` failed tries; the provider's `retryAfterMs` is a floor. */
  #retryDelay(attempts: number, retryAfterMs: number | undefined): number {
    const { baseMs, maxMs, random } = this.#settings.backoff;
    return Math.max(backoffDelay(attempts - 1, { initialDelayMs: baseMs, maxDelayMs: maxMs }, random), retryAfterMs ?? 0);
  }

  async #attempt(lane: Lane, n: Notification): Promise<Outcome> {
    const skip = (reason: SkipReason): Outcome => ({ outcome: 'skipped', reason });
    if (!n.phone) return skip('invalid_phone');
    if (await this.#settings.isBlocked(n.phone)) return skip('blocked');
    const customer = await this.#ctx.store.findCustomerByIdentity(n.phone);
    if (customer?.optedOut) return skip('opted_out');

    let channel: Channel;
    try {
      channel = this.#ctx.channel(n.channelId);
    } catch (error) {
      return { outcome: 'failed', error: messageErrorOf(error) };
    }
    const route = customer ? await this.#ctx.store.getCustomerChannel(customer.id, n.channelId) : null;
    let content: MessageContent = n.content;
    const windowHours = channel.driver.capabilities.serviceWindowHours;
    if (windowHours !== null && !isWindowExempt(content)) {
      const last = route?.lastInboundAt?.getTime();
      const open = last !== undefined && this.#ctx.clock.now().getTime() - last <= windowHours * HOUR_MS;
      if (!open) {
        if (!n.fallback) return skip('window_closed');
        content = n.fallback;
      }
    }
    try {
      assertCanSend(channel, content);
      await this.#settings.assertSendable(channel.id, content);
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
      return { outcome: 'failed', error: messageErrorOf(error) };
    }

    const mine = await this.#ctx.store.startNotificationSend({ notificationId: n.id, attempt: n.attempts, owner: this.owner, at: this.#ctx.clock.now() });
    if (!mine) return { outcome: 'lease_lost' };
    // The rate-limit slot is taken right before the provider call: a start refused (lease lost)
    // uses none, and no store round trip sits between the slot and the send it counts. A claim
    // holds about one second of sends, so the wait here stays far below the lease.
    await lane.limiter.acquire();
    try {
      const result = await channel.driver.send({ reference: n.id, to: { phone: n.phone, address: route?.address ?? null }, content });
      return { outcome: 'sent', providerMessageId: result.providerMessageId };
    } catch (error) {
      const failure = messageErrorOf(error);
      if (!(error instanceof DriverError)) return { outcome: 'failed', error: failure };
      if (error.code === 'timeout') {
        // The request left; the provider may have accepted it. Without an echo of our
        // reference there is no way to find out: never resend silently.
        if (!channel.driver.capabilities.echoesReference) return { outcome: 'uncertain', error: failure };
        if (n.attempts < this.#settings.maxAttempts) {
          const delay = Math.max(this.#settings.reconcileGraceMs, this.#retryDelay(n.attempts, error.retryAfterMs));
          return { outcome: 'retrying', error: failure, nextAttemptAt: new Date(this.#ctx.clock.now().getTime() + delay) };
        }
        return { outcome: 'uncertain', error: failure };
      }
      if (error.retryable && n.attempts < this.#settings.maxAttempts) {
        const delay = this.#retryDelay(n.attempts, error.retryAfterMs);
        return { outcome: 'retrying', error: failure, nextAttemptAt: new Date(this.#ctx.clock.now().getTime() + delay) };
      }
      return { outcome: 'failed', error: failure };
    }
  }
}
