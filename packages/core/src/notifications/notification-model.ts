import type { MessageContent } from '../domain/message-content.js';
import type { MessageError } from '../domain/model.js';

/**
 * `pending`: queued, waiting for its time (`nextAttemptAt`). `sending`: a dispatcher holds a
 * lease and is calling the provider. `retrying`: the last attempt failed retryably; the next one
 * is scheduled. `sent` → `delivered` → `read`: accepted by the provider, then receipts (monotonic).
 * `failed`: terminal (permanent error or retries exhausted) until `retry(id)`. `skipped`: never
 * sent, with a reason. `uncertain`: a dispatcher died after the provider may have accepted the
 * message and before the result was stored; it is never resent silently.
 */
export type NotificationStatus = 'pending' | 'sending' | 'retrying' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'uncertain';

export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = [
  'pending',
  'sending',
  'retrying',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'uncertain',
];

/** Why a notification was not sent. */
export type SkipReason = 'invalid_phone' | 'opted_out' | 'blocked' | 'window_closed';

/** One business event turned into (at most) one WhatsApp message. */
export interface Notification {
  id: string;
  /** The idempotency key, e.g. `complaint:123:engineer_assigned`. */
  key: string;
  channelId: string;
  /** The recipient as given by the host. */
  to: string;
  /** E.164 of `to`, or null when it is not a valid number (then the notification is skipped). */
  phone: string | null;
  /** What is sent inside the customer-service window (or on channels without one). */
  content: MessageContent;
  /** What is sent outside the window instead (a template), when given. */
  fallback: MessageContent | null;
  metadata: Record<string, unknown>;
  status: NotificationStatus;
  skipReason: SkipReason | null;
  error: MessageError | null;
  /** Attempts started so far. */
  attempts: number;
  /** When it may be (re)tried next; null once it is final. */
  nextAttemptAt: Date | null;
  /** The dispatcher holding it while `sending`. */
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  providerMessageId: string | null;
  /** sha256 of the request (channel, to, content, fallback, notBefore): a repeat must match it. */
  requestHash: string;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
}

/** One try at sending a notification. `retry(id)` adds attempts; history is never rewritten. */
export interface NotificationAttempt {
  notificationId: string;
  /** 1-based. */
  number: number;
  owner: string;
  /** When the dispatcher leased it. */
  startedAt: Date;
  /** When the dispatcher began calling the provider (null: it never did). */
  sendStartedAt: Date | null;
  finishedAt: Date | null;
  /**
   * null while in progress. `released`: given back unsent at shutdown; `expired`: the lease ran
   * out before the send started (another dispatcher takes over); `uncertain`: it ran out, or timed
   * out, after the send started.
   */
  outcome: 'sent' | 'retrying' | 'failed' | 'skipped' | 'uncertain' | 'released' | 'expired' | null;
  error: MessageError | null;
  providerMessageId: string | null;
}

export interface Campaign {
  id: string;
  name: string;
  channelId: string;
  content: MessageContent;
  audience: CampaignAudience;
  /** Nothing is sent before this time. */
  scheduledAt: Date;
  status: 'draft' | 'running' | 'completed';
  /** Recipients queued by the last run. */
  recipients: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A fixed list of phones, or a segment of known customers. */
export type CampaignAudience =
  | { type: 'list'; phones: string[] }
  | {
      type: 'segment';
      /** Customers holding every one of these tags. */
      tags?: string[];
      /** Customers whose last message on the campaign's channel is in this range. */
      lastContactAfter?: Date;
      lastContactBefore?: Date;
    };
