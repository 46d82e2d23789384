import {
  NOTIFICATION_STATUSES,
  newId,
  type ApplyDeliveryStatusInput,
  type ApplyNotificationStatusResult,
  type CompleteNotificationAttemptInput,
  type Customer,
  type EnqueueNotificationInput,
  type Notification,
  type NotificationAttempt,
  type NotificationFilter,
  type NotificationQuery,
  type NotificationStatus,
  type Page,
} from '@switchboard/core';
import type { SqlClient, SqlExecutor } from '../client/sql-client.js';
import { customerRow, date, dateOrNull, pageOf, type Row } from '../rows.js';

/**
 * The notification outbox in SQL. Every decision about one notification is taken on its row
 * under the row lock (a single UPDATE ... WHERE, or SELECT ... FOR UPDATE in a transaction), so
 * two dispatchers in two processes can never both hold, start or finish the same attempt.
 * `send_started_at` on the notification row mirrors the current attempt's: lease expiry and
 * release decide on it without reading the attempts table under a stale snapshot.
 */



export function notificationFromRow(r: Row): Notification {
  return {
    id: r.id as string,
    key: r.key as string,
    channelId: r.channel_id as string,
    to: r.to_address as string,
    phone: (r.phone as string | null) ?? null,
    content: r.content as Notification['content'],
    fallback: (r.fallback as Notification['fallback']) ?? null,
    metadata: r.metadata as Notification['metadata'],
    status: r.status as NotificationStatus,
    skipReason: (r.skip_reason as Notification['skipReason']) ?? null,
    error: (r.error as Notification['error']) ?? null,
    attempts: Number(r.attempts),
    nextAttemptAt: dateOrNull(r.next_attempt_at),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt: dateOrNull(r.lease_expires_at),
    providerMessageId: (r.provider_message_id as string | null) ?? null,
    requestHash: r.request_hash as string,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    sentAt: dateOrNull(r.sent_at),
    deliveredAt: dateOrNull(r.delivered_at),
    readAt: dateOrNull(r.read_at),
  };
}

function attemptFromRow(r: Row): NotificationAttempt {
  return {
    notificationId: r.notification_id as string,
    number: Number(r.number),
    owner: r.owner as string,
    startedAt: date(r.started_at),
    sendStartedAt: dateOrNull(r.send_started_at),
    finishedAt: dateOrNull(r.finished_at),
    outcome: (r.outcome as NotificationAttempt['outcome']) ?? null,
    error: (r.error as NotificationAttempt['error']) ?? null,
    providerMessageId: (r.provider_message_id as string | null) ?? null,
  };
}

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** `LIKE` pattern for "starts with", escaping the wildcards. */
export const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function enqueueNotification(db: SqlExecutor, input: EnqueueNotificationInput): Promise<{ notification: Notification; created: boolean }> {
  const inserted = await db.query<Row>(
    `INSERT INTO _sb_.notifications (id, key, channel_id, to_address, phone, content, fallback, metadata, status, skip_reason,
       attempts, next_attempt_at, request_hash, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, 0, $11, $12, $13, $13)
     ON CONFLICT (key) DO NOTHING
     RETURNING *`,
    [
      newId('not'),
      input.key,
      input.channelId,
      input.to,
      input.phone,
      json(input.content),
      json(input.fallback),
      json(input.metadata ?? {}),
      input.status,
      input.skipReason,
      input.status === 'pending' ? input.nextAttemptAt : null,
      input.requestHash,
      input.at,
    ],
  );
  if (inserted[0]) return { notification: notificationFromRow(inserted[0]), created: true };
  // The key exists (maybe committed by another process after this statement's snapshot): a new
  // statement sees it.
  const existing = await findNotificationByKey(db, input.key);
  if (!existing) throw new Error(`storage-postgres: notification key "${input.key}" conflicted but cannot be read`);
  return { notification: existing, created: false };
}

export async function getNotification(db: SqlExecutor, id: string): Promise<Notification | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.notifications WHERE id = $1', [id]);
  return rows[0] ? notificationFromRow(rows[0]) : null;
}

export async function findNotificationByKey(db: SqlExecutor, key: string): Promise<Notification | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.notifications WHERE key = $1', [key]);
  return rows[0] ? notificationFromRow(rows[0]) : null;
}

/** WHERE conditions for the log filters, appending parameters to `params`. */
function filterSql(f: NotificationFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.status) where.push(`status = ANY(${p(f.status)}::text[])`);
  if (f.channelId !== undefined) where.push(`channel_id = ${p(f.channelId)}`);
  if (f.keyPrefix !== undefined) where.push(`key LIKE ${p(likePrefix(f.keyPrefix))}`);
  if (f.phone !== undefined) where.push(`phone = ${p(f.phone)}`);
  if (f.from !== undefined) where.push(`created_at >= ${p(f.from)}`);
  if (f.to !== undefined) where.push(`created_at < ${p(f.to)}`);
  if (f.dueBy !== undefined) where.push(`status IN ('pending', 'retrying') AND next_attempt_at <= ${p(f.dueBy)}`);
  return where;
}

export async function listNotifications(db: SqlExecutor, query: NotificationQuery): Promise<Page<Notification>> {
  const params: unknown[] = [];
  const where = filterSql(query, params);
  if (query.cursor !== undefined) {
    params.push(query.cursor);
    where.push(`id < $${params.length}`);
  }
  params.push(query.limit + 1);
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return pageOf(rows, query.limit, notificationFromRow);
}

export async function countNotifications(db: SqlExecutor, filter: NotificationFilter): Promise<Record<NotificationStatus, number>> {
  const params: unknown[] = [];
  const where = filterSql(filter, params);
  const rows = await db.query<Row>(
    `SELECT status, count(*)::int AS n FROM _sb_.notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} GROUP BY status`,
    params,
  );
  const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;
  for (const r of rows) counts[r.status as NotificationStatus] = Number(r.n);
  return counts;
}

export async function claimNotifications(
  db: SqlExecutor,
  input: { channelId: string; owner: string; now: Date; leaseMs: number; limit: number },
): Promise<Notification[]> {
  const rows = await db.query<Row>(
    `WITH due AS (
       SELECT id FROM _sb_.notifications
        WHERE channel_id = $1 AND status IN ('pending', 'retrying') AND next_attempt_at <= $2
        ORDER BY next_attempt_at, id
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     ), leased AS (
       UPDATE _sb_.notifications n
          SET status = 'sending', attempts = n.attempts + 1, lease_owner = $4, lease_expires_at = $5,
              send_started_at = NULL, updated_at = $2
         FROM due WHERE n.id = due.id
       RETURNING n.*
     ), attempt AS (
       INSERT INTO _sb_.notification_attempts (notification_id, number, owner, started_at)
       SELECT id, attempts, $4, $2 FROM leased
     )
     SELECT * FROM leased ORDER BY next_attempt_at, id`,
    [input.channelId, input.now, input.limit, input.owner, new Date(input.now.getTime() + input.leaseMs)],
  );
  return rows.map(notificationFromRow);
}

export async function startNotificationSend(
  db: SqlExecutor,
  input: { notificationId: string; attempt: number; owner: string; at: Date },
): Promise<boolean> {
  const rows = await db.query<Row>(
    `WITH started AS (
       UPDATE _sb_.notifications SET send_started_at = $4
        WHERE id = $1 AND status = 'sending' AND attempts = $2 AND lease_owner = $3
          AND lease_expires_at > $4 AND send_started_at IS NULL
       RETURNING id
     )
     UPDATE _sb_.notification_attempts a SET send_started_at = $4
       FROM started
      WHERE a.notification_id = started.id AND a.number = $2 AND a.finished_at IS NULL AND a.send_started_at IS NULL
     RETURNING a.number`,
    [input.notificationId, input.attempt, input.owner, input.at],
  );
  return rows.length === 1;
}

/** A receipt's effect on a notification row (the memory store's transitions), applied only when the rank rule allows. */
const ADVANCE_FIELDS = `status = $2::text, updated_at = $3::timestamptz, next_attempt_at = NULL, lease_owner = NULL, lease_expires_at = NULL,
          sent_at = CASE WHEN $2 IN ('sent', 'delivered', 'read') THEN COALESCE(sent_at, $3) ELSE sent_at END,
          delivered_at = CASE WHEN $2 = 'delivered' THEN $3::timestamptz WHEN $2 = 'read' THEN COALESCE(delivered_at, $3) ELSE delivered_at END,
          read_at = CASE WHEN $2 = 'read' THEN $3::timestamptz ELSE read_at END,
          error = CASE WHEN $2 = 'failed' THEN $4::jsonb ELSE error END`;

const FAILED_RECEIPT = { code: 'failed', message: 'The provider reported the message as failed.' };

/** Apply a receipt to one (locked) notification monotonically; null when the rank rule refused it. */
async function advance(
  db: SqlExecutor,
  id: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  error: unknown,
  at: Date,
): Promise<Notification | null> {
  const rows = await db.query<Row>(
    `UPDATE _sb_.notifications SET ${ADVANCE_FIELDS}
      WHERE id = $1 AND _sb_.can_advance_notification(status, $2)
     RETURNING *`,
    [id, status, at, status === 'failed' ? json(error ?? FAILED_RECEIPT) : null],
  );
  return rows[0] ? notificationFromRow(rows[0]) : null;
}

export async function completeNotificationAttempt(db: SqlClient, input: CompleteNotificationAttemptInput): Promise<Notification | null> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<Row>(
      `SELECT n.status, a.owner, a.finished_at FROM _sb_.notifications n
         JOIN _sb_.notification_attempts a ON a.notification_id = n.id AND a.number = n.attempts
        WHERE n.id = $1 AND n.attempts = $2
        FOR UPDATE OF n, a`,
      [input.notificationId, input.attempt],
    );
    const current = rows[0];
    if (!current || current.owner !== input.owner || current.finished_at !== null) return null;
    const open = current.status === 'sending' || current.status === 'uncertain';
    const error = 'error' in input ? json(input.error) : null;
    const provider = input.outcome === 'sent' ? input.providerMessageId : null;
    await tx.query(
      `UPDATE _sb_.notification_attempts SET finished_at = $3, outcome = $4, error = $5::jsonb, provider_message_id = $6
        WHERE notification_id = $1 AND number = $2`,
      [input.notificationId, input.attempt, input.at, input.outcome, error, provider],
    );
    // While open, the outcome decides the status; otherwise (a receipt got there first) only
    // the provider id and the lease change.
    const next = open ? input.outcome : null;
    const result = await tx.query<Row>(
      `UPDATE _sb_.notifications SET
          lease_owner = NULL, lease_expires_at = NULL, updated_at = $2,
          provider_message_id = COALESCE($4, provider_message_id),
          status = COALESCE($3::text, status),
          sent_at = CASE WHEN $3 = 'sent' THEN $2::timestamptz ELSE sent_at END,
          next_attempt_at = CASE WHEN $3::text IS NULL THEN next_attempt_at WHEN $3 = 'retrying' THEN $5::timestamptz ELSE NULL END,
          error = CASE WHEN $3 = 'sent' THEN NULL WHEN $3 IN ('retrying', 'failed', 'uncertain') THEN $6::jsonb ELSE error END,
          skip_reason = CASE WHEN $3 = 'skipped' THEN $7 ELSE skip_reason END
        WHERE id = $1
       RETURNING *`,
      [
        input.notificationId,
        input.at,
        next,
        provider,
        input.outcome === 'retrying' ? input.nextAttemptAt : null,
        error,
        input.outcome === 'skipped' ? input.reason : null,
      ],
    );
    let notification = notificationFromRow(result[0]!);
    if (provider !== null) {
      const early = await takeEarlyReceipt(tx, notification.channelId, provider);
      if (early) notification = (await advance(tx, notification.id, early.status, early.error, early.at)) ?? notification;
    }
    return notification;
  });
}

export async function releaseNotifications(db: SqlExecutor, input: { owner: string; ids: string[]; at: Date }): Promise<number> {
  if (input.ids.length === 0) return 0;
  const rows = await db.query<Row>(
    `WITH released AS (
       UPDATE _sb_.notifications
          SET status = CASE WHEN error IS NULL THEN 'pending' ELSE 'retrying' END,
              next_attempt_at = $3, lease_owner = NULL, lease_expires_at = NULL, updated_at = $3
        WHERE id = ANY($1::text[]) AND status = 'sending' AND lease_owner = $2 AND send_started_at IS NULL
       RETURNING id, attempts
     ), closed AS (
       UPDATE _sb_.notification_attempts a SET finished_at = $3, outcome = 'released'
         FROM released WHERE a.notification_id = released.id AND a.number = released.attempts AND a.finished_at IS NULL
     )
     SELECT count(*)::int AS n FROM released`,
    [input.ids, input.owner, input.at],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function expireNotificationLeases(db: SqlExecutor, input: { now: Date; limit: number }): Promise<Notification[]> {
  const rows = await db.query<Row>(
    `WITH due AS (
       SELECT id FROM _sb_.notifications
        WHERE status = 'sending' AND lease_expires_at <= $1
        ORDER BY lease_expires_at, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED
     ), expired AS (
       UPDATE _sb_.notifications n SET
              status = CASE WHEN n.send_started_at IS NOT NULL THEN 'uncertain' WHEN n.error IS NULL THEN 'pending' ELSE 'retrying' END,
              next_attempt_at = CASE WHEN n.send_started_at IS NULL THEN $1 ELSE n.next_attempt_at END,
              lease_owner = CASE WHEN n.send_started_at IS NULL THEN NULL ELSE n.lease_owner END,
              lease_expires_at = CASE WHEN n.send_started_at IS NULL THEN NULL ELSE n.lease_expires_at END,
              updated_at = $1
         FROM due WHERE n.id = due.id
       RETURNING n.*
     ), closed AS (
       UPDATE _sb_.notification_attempts a SET finished_at = $1, outcome = 'expired'
         FROM expired
        WHERE a.notification_id = expired.id AND a.number = expired.attempts AND expired.send_started_at IS NULL AND a.finished_at IS NULL
     )
     SELECT * FROM expired ORDER BY id`,
    [input.now, input.limit],
  );
  return rows.map(notificationFromRow);
}

export async function applyNotificationStatus(db: SqlClient, input: ApplyDeliveryStatusInput): Promise<ApplyNotificationStatusResult> {
  return db.transaction(async (tx) => {
    let rows = input.reference
      ? await tx.query<Row>('SELECT * FROM _sb_.notifications WHERE id = $1 AND channel_id = $2 FOR UPDATE', [input.reference, input.channelId])
      : [];
    if (!rows[0]) {
      rows = await tx.query<Row>(
        'SELECT * FROM _sb_.notifications WHERE channel_id = $1 AND provider_message_id = $2 ORDER BY updated_at DESC, id DESC LIMIT 1 FOR UPDATE',
        [input.channelId, input.providerMessageId],
      );
    }
    if (!rows[0]) return { outcome: 'not_found' };
    let current = notificationFromRow(rows[0]);
    if (current.providerMessageId === null) {
      const set = await tx.query<Row>('UPDATE _sb_.notifications SET provider_message_id = $2 WHERE id = $1 RETURNING *', [current.id, input.providerMessageId]);
      current = notificationFromRow(set[0]!);
    }
    const advanced = await advance(tx, current.id, input.status, input.error, input.at);
    return advanced ? { outcome: 'applied', notification: advanced, previous: current.status } : { outcome: 'ignored', notification: current };
  });
}

export async function retryNotification(db: SqlExecutor, input: { id: string; at: Date }): Promise<Notification | null> {
  const rows = await db.query<Row>(
    `UPDATE _sb_.notifications SET status = 'pending', next_attempt_at = $2, updated_at = $2 WHERE id = $1 AND status = 'failed' RETURNING *`,
    [input.id, input.at],
  );
  return rows[0] ? notificationFromRow(rows[0]) : null;
}

export async function resolveUncertainNotification(
  db: SqlExecutor,
  input: { id: string; action: 'resend' | 'mark-sent'; at: Date },
): Promise<Notification | null> {
  const resend = input.action === 'resend';
  const rows = await db.query<Row>(
    `WITH settled AS (
       UPDATE _sb_.notifications SET
              lease_owner = NULL, lease_expires_at = NULL, updated_at = $2::timestamptz,
              status = CASE WHEN $3::boolean THEN 'pending' ELSE 'sent' END,
              next_attempt_at = CASE WHEN $3::boolean THEN $2::timestamptz ELSE NULL END,
              sent_at = CASE WHEN $3::boolean THEN sent_at ELSE $2::timestamptz END
        WHERE id = $1 AND status = 'uncertain'
       RETURNING *
     ), closed AS (
       UPDATE _sb_.notification_attempts a SET finished_at = $2, outcome = 'uncertain'
         FROM settled WHERE a.notification_id = settled.id AND a.number = settled.attempts AND a.finished_at IS NULL
     )
     SELECT * FROM settled`,
    [input.id, input.at, resend],
  );
  return rows[0] ? notificationFromRow(rows[0]) : null;
}

export async function listNotificationAttempts(db: SqlExecutor, notificationId: string): Promise<NotificationAttempt[]> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.notification_attempts WHERE notification_id = $1 ORDER BY number', [notificationId]);
  return rows.map(attemptFromRow);
}

/** Take (and delete) a receipt buffered before the provider id was known. */
async function takeEarlyReceipt(
  db: SqlExecutor,
  channelId: string,
  providerMessageId: string,
): Promise<{ status: 'sent' | 'delivered' | 'read' | 'failed'; error: unknown; at: Date } | null> {
  const rows = await db.query<Row>('DELETE FROM _sb_.early_receipts WHERE channel_id = $1 AND provider_message_id = $2 RETURNING *', [channelId, providerMessageId]);
  const r = rows[0];
  return r ? { status: r.status as 'sent' | 'delivered' | 'read' | 'failed', error: r.error ?? undefined, at: date(r.at) } : null;
}

export async function setCustomerOptOut(db: SqlExecutor, input: { customerId: string; optedOut: boolean; at: Date }): Promise<Customer | null> {
  // Only a change touches the row (and its timestamps); asking for the current state reads it.
  const rows = await db.query<Row>(
    `WITH changed AS (
       UPDATE _sb_.customers SET opted_out = $2, opted_out_at = CASE WHEN $2 THEN $3::timestamptz END, updated_at = $3
        WHERE id = $1 AND opted_out <> $2
       RETURNING *
     )
     SELECT * FROM changed
     UNION ALL
     SELECT * FROM _sb_.customers WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM changed)`,
    [input.customerId, input.optedOut, input.at],
  );
  return rows[0] ? customerRow(rows[0]) : null;
}

/**
 * GDPR erasure of an outbox recipient (part of `eraseCustomer`, run in its transaction): the
 * notifications to `phone` lose recipient, content, metadata and error texts (also of their
 * attempts); key, status and times stay. `erasedContent`/`erasedText` are core's placeholders.
 */
export async function eraseNotificationRecipient(
  db: SqlExecutor,
  input: { phone: string; erasedTo: string; erasedContent: unknown; erasedText: string },
): Promise<number> {
  const rows = await db.query<Row>(
    `WITH erased AS (
       UPDATE _sb_.notifications SET
              to_address = $2, phone = NULL, content = $3::jsonb,
              fallback = CASE WHEN fallback IS NULL THEN NULL ELSE $3::jsonb END,
              metadata = '{}'::jsonb, request_hash = 'erased',
              error = CASE WHEN error IS NULL THEN NULL ELSE jsonb_set(error, '{message}', to_jsonb($4::text)) END
        WHERE phone = $1
       RETURNING id
     ), attempts AS (
       UPDATE _sb_.notification_attempts a SET error = jsonb_set(a.error, '{message}', to_jsonb($4::text))
         FROM erased WHERE a.notification_id = erased.id AND a.error IS NOT NULL
     )
     SELECT count(*)::int AS n FROM erased`,
    [input.phone, input.erasedTo, JSON.stringify(input.erasedContent), input.erasedText],
  );
  return Number(rows[0]?.n ?? 0);
}
