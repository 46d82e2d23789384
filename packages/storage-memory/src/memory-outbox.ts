import {
  canAdvanceNotification,
  ERASED_CONTENT,
  ERASED_TEXT,
  NOTIFICATION_STATUSES,
  newId,
  type ApplyDeliveryStatusInput,
  type ApplyNotificationStatusResult,
  type Campaign,
  type CompleteNotificationAttemptInput,
  type CreateCampaignInput,
  type DeliveryStatus,
  type EnqueueNotificationInput,
  type MessageError,
  type Notification,
  type NotificationAttempt,
  type NotificationFilter,
  type NotificationQuery,
  type NotificationStatus,
  type Page,
} from '@switchboard/core';
import { clone, key, page, setProviderId } from './memory-helpers.js';


/** Receipts that arrived before the provider id was recorded, shared with the message side. */
export type EarlyReceipts = Map<string, { status: DeliveryStatus; error?: MessageError; at: Date }>;

/**
 * The notification outbox and campaigns of the memory store. Like the rest of the memory store,
 * every method runs without an `await` between its reads and writes, so it is atomic.
 */
export class MemoryOutbox {
  readonly #notifications = new Map<string, Notification>();
  readonly #byKey = new Map<string, string>();
  readonly #byProviderId = new Map<string, string>();
  readonly #attempts = new Map<string, NotificationAttempt[]>();
  readonly #campaigns = new Map<string, Campaign>();
  readonly #early: EarlyReceipts;

  constructor(earlyReceipts: EarlyReceipts) {
    this.#early = earlyReceipts;
  }

  enqueue(input: EnqueueNotificationInput): { notification: Notification; created: boolean } {
    const existing = this.#byKey.get(input.key);
    if (existing) return { notification: clone(this.#notifications.get(existing)!), created: false };
    const notification: Notification = {
      id: newId('not'),
      key: input.key,
      channelId: input.channelId,
      to: input.to,
      phone: input.phone,
      content: clone(input.content),
      fallback: clone(input.fallback),
      metadata: clone(input.metadata),
      status: input.status,
      skipReason: input.skipReason,
      error: null,
      attempts: 0,
      nextAttemptAt: input.status === 'pending' ? input.nextAttemptAt : null,
      leaseOwner: null,
      leaseExpiresAt: null,
      providerMessageId: null,
      requestHash: input.requestHash,
      createdAt: input.at,
      updatedAt: input.at,
      sentAt: null,
      deliveredAt: null,
      readAt: null,
    };
    this.#notifications.set(notification.id, notification);
    this.#byKey.set(notification.key, notification.id);
    return { notification: clone(notification), created: true };
  }

  get(id: string): Notification | null {
    const n = this.#notifications.get(id);
    return n ? clone(n) : null;
  }

  findByKey(k: string): Notification | null {
    const id = this.#byKey.get(k);
    return id ? this.get(id) : null;
  }

  list(query: NotificationQuery): Page<Notification> {
    return page([...this.#notifications.values()].reverse().filter((n) => this.#matches(n, query)), query.limit, query.cursor, true);
  }

  count(filter: NotificationFilter): Record<NotificationStatus, number> {
    const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;
    for (const n of this.#notifications.values()) if (this.#matches(n, filter)) counts[n.status]++;
    return counts;
  }

  claim(input: { channelId: string; owner: string; now: Date; leaseMs: number; limit: number }): Notification[] {
    const now = input.now.getTime();
    const due = [...this.#notifications.values()]
      .filter(
        (n) =>
          n.channelId === input.channelId &&
          (n.status === 'pending' || n.status === 'retrying') &&
          n.nextAttemptAt !== null &&
          n.nextAttemptAt.getTime() <= now,
      )
      .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, input.limit);
    for (const n of due) {
      n.status = 'sending';
      n.attempts += 1;
      n.leaseOwner = input.owner;
      n.leaseExpiresAt = new Date(now + input.leaseMs);
      n.updatedAt = input.now;
      this.#attemptsOf(n.id).push({
        notificationId: n.id,
        number: n.attempts,
        owner: input.owner,
        startedAt: input.now,
        sendStartedAt: null,
        finishedAt: null,
        outcome: null,
        error: null,
        providerMessageId: null,
      });
    }
    return due.map(clone);
  }

  startSend(input: { notificationId: string; attempt: number; owner: string; at: Date }): boolean {
    const n = this.#notifications.get(input.notificationId);
    const attempt = this.#attemptsOf(input.notificationId).find((a) => a.number === input.attempt);
    if (!n || !attempt || n.status !== 'sending' || n.attempts !== input.attempt || n.leaseOwner !== input.owner) return false;
    if (n.leaseExpiresAt === null || n.leaseExpiresAt.getTime() <= input.at.getTime()) return false;
    if (attempt.finishedAt !== null || attempt.sendStartedAt !== null) return false;
    attempt.sendStartedAt = input.at;
    return true;
  }

  complete(input: CompleteNotificationAttemptInput): Notification | null {
    const n = this.#notifications.get(input.notificationId);
    const attempt = this.#attemptsOf(input.notificationId).find((a) => a.number === input.attempt);
    if (!n || !attempt || attempt.owner !== input.owner || attempt.finishedAt !== null || n.attempts !== input.attempt) return null;
    const open = n.status === 'sending' || n.status === 'uncertain';
    attempt.finishedAt = input.at;
    attempt.outcome = input.outcome;
    n.leaseOwner = null;
    n.leaseExpiresAt = null;
    n.updatedAt = input.at;
    switch (input.outcome) {
      case 'sent': {
        attempt.providerMessageId = input.providerMessageId;
        setProviderId(this.#byProviderId, n, input.providerMessageId);
        if (open) {
          n.status = 'sent';
          n.sentAt = input.at;
          n.nextAttemptAt = null;
          n.error = null;
        }
        const early = this.#early.get(key(n.channelId, input.providerMessageId));
        if (early) {
          this.#early.delete(key(n.channelId, input.providerMessageId));
          this.#advance(n, early.status, early.error, early.at);
        }
        break;
      }
      case 'retrying':
        attempt.error = clone(input.error);
        if (open) {
          n.status = 'retrying';
          n.error = clone(input.error);
          n.nextAttemptAt = input.nextAttemptAt;
        }
        break;
      case 'failed':
        attempt.error = clone(input.error);
        if (open) {
          n.status = 'failed';
          n.error = clone(input.error);
          n.nextAttemptAt = null;
        }
        break;
      case 'uncertain':
        attempt.error = clone(input.error);
        if (open) {
          n.status = 'uncertain';
          n.error = clone(input.error);
          n.nextAttemptAt = null;
        }
        break;
      case 'skipped':
        if (open) {
          n.status = 'skipped';
          n.skipReason = input.reason;
          n.nextAttemptAt = null;
        }
        break;
    }
    return clone(n);
  }

  release(input: { owner: string; ids: string[]; at: Date }): number {
    let released = 0;
    for (const id of input.ids) {
      const n = this.#notifications.get(id);
      const attempt = this.#attemptsOf(id).find((a) => a.number === n?.attempts);
      if (!n || n.status !== 'sending' || n.leaseOwner !== input.owner || !attempt || attempt.finishedAt || attempt.sendStartedAt) continue;
      attempt.finishedAt = input.at;
      attempt.outcome = 'released';
      // Attempt numbers stay unique: the next claim is attempt n + 1 even though this one never reached the provider.
      n.status = n.error ? 'retrying' : 'pending';
      n.nextAttemptAt = input.at;
      n.leaseOwner = null;
      n.leaseExpiresAt = null;
      n.updatedAt = input.at;
      released++;
    }
    return released;
  }

  expireLeases(input: { now: Date; limit: number }): Notification[] {
    const expired = [...this.#notifications.values()]
      .filter((n) => n.status === 'sending' && n.leaseExpiresAt !== null && n.leaseExpiresAt.getTime() <= input.now.getTime())
      .slice(0, input.limit);
    for (const n of expired) {
      const attempt = this.#attemptsOf(n.id).find((a) => a.number === n.attempts);
      n.updatedAt = input.now;
      if (attempt && attempt.sendStartedAt === null) {
        attempt.finishedAt = input.now;
        attempt.outcome = 'expired';
        n.status = n.error ? 'retrying' : 'pending';
        n.nextAttemptAt = input.now;
        n.leaseOwner = null;
        n.leaseExpiresAt = null;
      } else {
        n.status = 'uncertain';
      }
    }
    return expired.map(clone);
  }

  applyStatus(input: ApplyDeliveryStatusInput): ApplyNotificationStatusResult {
    let n = input.reference ? this.#notifications.get(input.reference) : undefined;
    if (n && n.channelId !== input.channelId) n = undefined;
    if (!n) {
      const id = this.#byProviderId.get(key(input.channelId, input.providerMessageId));
      n = id ? this.#notifications.get(id) : undefined;
    }
    if (!n) return { outcome: 'not_found' };
    if (n.providerMessageId === null) setProviderId(this.#byProviderId, n, input.providerMessageId);
    const previous = n.status;
    if (!this.#advance(n, input.status, input.error, input.at)) return { outcome: 'ignored', notification: clone(n) };
    return { outcome: 'applied', notification: clone(n), previous };
  }

  retry(input: { id: string; at: Date }): Notification | null {
    const n = this.#notifications.get(input.id);
    if (!n || n.status !== 'failed') return null;
    n.status = 'pending';
    n.nextAttemptAt = input.at;
    n.updatedAt = input.at;
    return clone(n);
  }

  resolveUncertain(input: { id: string; action: 'resend' | 'mark-sent'; at: Date }): Notification | null {
    const n = this.#notifications.get(input.id);
    if (!n || n.status !== 'uncertain') return null;
    const open = this.#attemptsOf(n.id).find((a) => a.number === n.attempts && a.finishedAt === null);
    if (open) {
      open.finishedAt = input.at;
      open.outcome = 'uncertain';
    }
    n.leaseOwner = null;
    n.leaseExpiresAt = null;
    n.updatedAt = input.at;
    if (input.action === 'resend') {
      n.status = 'pending';
      n.nextAttemptAt = input.at;
    } else {
      n.status = 'sent';
      n.sentAt = input.at;
      n.nextAttemptAt = null;
    }
    return clone(n);
  }

  attempts(notificationId: string): NotificationAttempt[] {
    return clone(this.#attempts.get(notificationId) ?? []);
  }

  createCampaign(input: CreateCampaignInput): Campaign {
    const campaign: Campaign = {
      id: newId('cmp'),
      name: input.name,
      channelId: input.channelId,
      content: clone(input.content),
      audience: clone(input.audience),
      scheduledAt: input.scheduledAt,
      status: 'draft',
      recipients: 0,
      createdAt: input.at,
      updatedAt: input.at,
    };
    this.#campaigns.set(campaign.id, campaign);
    return clone(campaign);
  }

  getCampaign(id: string): Campaign | null {
    const c = this.#campaigns.get(id);
    return c ? clone(c) : null;
  }

  listCampaigns(query: { limit: number; cursor?: string }): Page<Campaign> {
    return page([...this.#campaigns.values()].reverse(), query.limit, query.cursor, true);
  }

  updateCampaign(id: string, patch: { status?: Campaign['status']; recipients?: number; at: Date }): Campaign | null {
    const c = this.#campaigns.get(id);
    if (!c) return null;
    if (patch.status !== undefined) c.status = patch.status;
    if (patch.recipients !== undefined) c.recipients = patch.recipients;
    c.updatedAt = patch.at;
    return clone(c);
  }

  /** GDPR erasure of every notification sent to `phone` (see `Store.eraseCustomer`). */
  eraseRecipient(phone: string, erasedTo: string): void {
    for (const n of this.#notifications.values()) {
      if (n.phone !== phone) continue;
      Object.assign(n, {
        to: erasedTo,
        phone: null,
        content: clone(ERASED_CONTENT),
        fallback: n.fallback ? clone(ERASED_CONTENT) : null,
        metadata: {},
        requestHash: 'erased',
        error: n.error ? { ...n.error, message: ERASED_TEXT } : null,
      });
      for (const attempt of this.#attempts.get(n.id) ?? []) if (attempt.error) attempt.error = { ...attempt.error, message: ERASED_TEXT };
    }
  }

  /** Every record, for the contract oracle's dump. */
  dump(): Record<string, unknown> {
    return {
      notifications: [...this.#notifications.entries()],
      byKey: [...this.#byKey.entries()],
      byProviderId: [...this.#byProviderId.entries()],
      attempts: [...this.#attempts.entries()],
      campaigns: [...this.#campaigns.entries()],
    };
  }

  /** Raw counts for the contract oracle. */
  countRaw(test: (n: Notification) => boolean): number {
    let count = 0;
    for (const n of this.#notifications.values()) if (test(n)) count++;
    return count;
  }

  #matches(n: Notification, f: NotificationFilter): boolean {
    return (
      (!f.status || f.status.includes(n.status)) &&
      (f.channelId === undefined || n.channelId === f.channelId) &&
      (f.keyPrefix === undefined || n.key.startsWith(f.keyPrefix)) &&
      (f.phone === undefined || n.phone === f.phone) &&
      (f.from === undefined || n.createdAt.getTime() >= f.from.getTime()) &&
      (f.to === undefined || n.createdAt.getTime() < f.to.getTime()) &&
      (f.dueBy === undefined ||
        ((n.status === 'pending' || n.status === 'retrying') && n.nextAttemptAt !== null && n.nextAttemptAt.getTime() <= f.dueBy.getTime()))
    );
  }

  #attemptsOf(id: string): NotificationAttempt[] {
    let list = this.#attempts.get(id);
    if (!list) {
      list = [];
      this.#attempts.set(id, list);
    }
    return list;
  }

  #advance(n: Notification, status: DeliveryStatus, error: MessageError | undefined, at: Date): boolean {
    if (!canAdvanceNotification(n.status, status)) return false;
    n.status = status;
    n.updatedAt = at;
    n.nextAttemptAt = null;
    n.leaseOwner = null;
    n.leaseExpiresAt = null;
    if (status === 'sent') n.sentAt ??= at;
    if (status === 'delivered') {
      n.sentAt ??= at;
      n.deliveredAt = at;
    }
    if (status === 'read') {
      n.sentAt ??= at;
      n.deliveredAt ??= at;
      n.readAt = at;
    }
    if (status === 'failed') n.error = error ? clone(error) : { code: 'failed', message: 'The provider reported the message as failed.' };
    return true;
  }
}
