import {
  ConflictError,
  type Actor,
  type Ticket,
  newId,
  type BusinessCalendar,
  type CreateQuickReplyInput,
  type ProviderTemplate,
  type QuickReply,
  type QuickReplyPatch,
  type QuickReplyQuery,
  type SetProviderTemplateStatusInput,
  type StoredCalendar,
  type Trigger,
  type TriggerInput,
  type UpsertProviderTemplateInput,
} from '@switchboard/core';
import { isUniqueViolation } from '../client/errors.js';
import type { SqlClient, SqlExecutor } from '../client/sql-client.js';
import { date, ticketRow, type Row } from '../rows.js';
import { likePrefix } from './notifications.js';

// Quick replies, provider templates, trigger rules (and their cooldowns) and business-hours
// calendars. Lists sort with COLLATE "C" so the order is by code point, like the memory store.


// ------------------------------------------------------------------ quick replies

function quickReplyFromRow(r: Row): QuickReply {
  return {
    id: r.id as string,
    ownerAgentId: (r.owner_agent_id as string | null) ?? null,
    shortcut: r.shortcut as string,
    title: r.title as string,
    body: r.body as string,
    category: (r.category as string | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

function shortcutTaken(owner: string | null, shortcut: string): ConflictError {
  return new ConflictError(`The shortcut "/${shortcut}" is already used${owner ? ` by agent "${owner}"` : ' by a global quick reply'}.`, { shortcut, owner }, 'shortcut_taken');
}

export async function createQuickReply(db: SqlExecutor, input: CreateQuickReplyInput): Promise<QuickReply> {
  try {
    const rows = await db.query<Row>(
      `INSERT INTO _sb_.quick_replies (id, owner_agent_id, shortcut, title, body, category, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
      [newId('tpl'), input.ownerAgentId, input.shortcut, input.title, input.body, input.category, input.at],
    );
    return quickReplyFromRow(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) throw shortcutTaken(input.ownerAgentId, input.shortcut);
    throw error;
  }
}

export async function updateQuickReply(db: SqlExecutor, id: string, patch: QuickReplyPatch): Promise<QuickReply | null> {
  try {
    const rows = await db.query<Row>(
      `UPDATE _sb_.quick_replies SET
          shortcut = COALESCE($2::text, shortcut), title = COALESCE($3::text, title), body = COALESCE($4::text, body),
          category = CASE WHEN $5::boolean THEN $6::text ELSE category END, updated_at = $7
        WHERE id = $1 RETURNING *`,
      [id, patch.shortcut ?? null, patch.title ?? null, patch.body ?? null, patch.category !== undefined, patch.category ?? null, patch.at],
    );
    return rows[0] ? quickReplyFromRow(rows[0]) : null;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const rows = await db.query<Row>('SELECT owner_agent_id FROM _sb_.quick_replies WHERE id = $1', [id]);
    throw shortcutTaken((rows[0]?.owner_agent_id as string | null) ?? null, patch.shortcut!);
  }
}

export async function deleteQuickReply(db: SqlExecutor, id: string): Promise<boolean> {
  const rows = await db.query<Row>('DELETE FROM _sb_.quick_replies WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

export async function getQuickReply(db: SqlExecutor, id: string): Promise<QuickReply | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.quick_replies WHERE id = $1', [id]);
  return rows[0] ? quickReplyFromRow(rows[0]) : null;
}

export async function listQuickReplies(db: SqlExecutor, query: QuickReplyQuery): Promise<QuickReply[]> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.quick_replies
      WHERE (owner_agent_id IS NULL OR owner_agent_id = $1)
        AND ($2::text IS NULL OR category = $2)
        AND ($3::text IS NULL OR shortcut LIKE $3)
      ORDER BY shortcut COLLATE "C", owner_agent_id IS NULL, id COLLATE "C"`,
    [query.agentId, query.category ?? null, query.shortcutPrefix === undefined ? null : likePrefix(query.shortcutPrefix)],
  );
  return rows.map(quickReplyFromRow);
}

// ------------------------------------------------------------------ provider templates

function templateFromRow(r: Row): ProviderTemplate {
  return {
    id: r.id as string,
    channelId: r.channel_id as string,
    name: r.name as string,
    language: r.language as string,
    category: r.category as ProviderTemplate['category'],
    status: r.status as string,
    parameterFormat: r.parameter_format as ProviderTemplate['parameterFormat'],
    components: r.components as ProviderTemplate['components'],
    providerTemplateId: (r.provider_template_id as string | null) ?? null,
    statusReason: (r.status_reason as string | null) ?? null,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export async function upsertProviderTemplate(db: SqlExecutor, input: UpsertProviderTemplateInput): Promise<ProviderTemplate> {
  const rows = await db.query<Row>(
    `INSERT INTO _sb_.provider_templates (id, channel_id, name, language, category, status, parameter_format, components,
       provider_template_id, status_reason, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $11)
     ON CONFLICT (channel_id, name, language) DO UPDATE SET
       category = EXCLUDED.category, status = EXCLUDED.status, parameter_format = EXCLUDED.parameter_format,
       components = EXCLUDED.components, provider_template_id = EXCLUDED.provider_template_id,
       status_reason = EXCLUDED.status_reason, updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [
      newId('tpl'),
      input.channelId,
      input.name,
      input.language,
      input.category,
      input.status,
      input.parameterFormat,
      JSON.stringify(input.components),
      input.providerTemplateId,
      input.statusReason,
      input.at,
    ],
  );
  return templateFromRow(rows[0]!);
}

export async function getProviderTemplate(db: SqlExecutor, channelId: string, name: string, language: string): Promise<ProviderTemplate | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.provider_templates WHERE channel_id = $1 AND name = $2 AND language = $3', [channelId, name, language]);
  return rows[0] ? templateFromRow(rows[0]) : null;
}

export async function listProviderTemplates(db: SqlExecutor, query: { channelId?: string; status?: string; name?: string }): Promise<ProviderTemplate[]> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.provider_templates
      WHERE ($1::text IS NULL OR channel_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR name = $3)
      ORDER BY name COLLATE "C", language COLLATE "C", id COLLATE "C"`,
    [query.channelId ?? null, query.status ?? null, query.name ?? null],
  );
  return rows.map(templateFromRow);
}

export async function setProviderTemplateStatus(db: SqlExecutor, input: SetProviderTemplateStatusInput): Promise<ProviderTemplate | null> {
  // Matched by the provider's id when given and known, else by channel + name + language.
  const rows = await db.query<Row>(
    `UPDATE _sb_.provider_templates SET status = $5, status_reason = $6, updated_at = $7
      WHERE id = (
        SELECT id FROM _sb_.provider_templates
         WHERE channel_id = $1 AND (provider_template_id = $2::text OR (name = $3 AND language = $4))
         ORDER BY (provider_template_id = $2::text) IS TRUE DESC
         LIMIT 1)
     RETURNING *`,
    [input.channelId, input.providerTemplateId ?? null, input.name, input.language, input.status, input.reason, input.at],
  );
  return rows[0] ? templateFromRow(rows[0]) : null;
}

export async function deleteProviderTemplate(db: SqlExecutor, id: string): Promise<boolean> {
  const rows = await db.query<Row>('DELETE FROM _sb_.provider_templates WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

// ------------------------------------------------------------------ triggers

function triggerFromRow(r: Row): Trigger {
  return { ...(r.spec as TriggerInput), id: r.id as string, createdAt: date(r.created_at), updatedAt: date(r.updated_at) };
}

export async function createTrigger(db: SqlExecutor, input: TriggerInput & { at: Date }): Promise<Trigger> {
  const { at, ...fields } = input;
  const rows = await db.query<Row>(
    'INSERT INTO _sb_.triggers (id, priority, spec, created_at, updated_at) VALUES ($1, $2, $3::jsonb, $4, $4) RETURNING *',
    [newId('trg'), fields.priority, JSON.stringify(fields), at],
  );
  return triggerFromRow(rows[0]!);
}

export async function updateTrigger(db: SqlExecutor, id: string, patch: Partial<TriggerInput> & { at: Date }): Promise<Trigger | null> {
  const { at, ...fields } = patch;
  const rows = await db.query<Row>(
    `UPDATE _sb_.triggers SET spec = spec || $2::jsonb, priority = COALESCE(($2::jsonb ->> 'priority')::int, priority), updated_at = $3
      WHERE id = $1 RETURNING *`,
    [id, JSON.stringify(fields), at],
  );
  return rows[0] ? triggerFromRow(rows[0]) : null;
}

export async function deleteTrigger(db: SqlExecutor, id: string): Promise<boolean> {
  const rows = await db.query<Row>('DELETE FROM _sb_.triggers WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

export async function getTrigger(db: SqlExecutor, id: string): Promise<Trigger | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.triggers WHERE id = $1', [id]);
  return rows[0] ? triggerFromRow(rows[0]) : null;
}

export async function listTriggers(db: SqlExecutor): Promise<Trigger[]> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.triggers ORDER BY priority DESC, id COLLATE "C"');
  return rows.map(triggerFromRow);
}

/**
 * One conditional upsert: the row is written (and the rule may fire) only when there is no
 * firing yet or the last one is at least `cooldownMs` old. Concurrent claims serialize on the
 * row, and the loser sees the winner's time.
 */
export async function claimTriggerFiring(db: SqlExecutor, input: { triggerId: string; customerId: string; at: Date; cooldownMs: number }): Promise<boolean> {
  const rows = await db.query<Row>(
    `INSERT INTO _sb_.trigger_firings (trigger_id, customer_id, fired_at) VALUES ($1, $2, $3)
     ON CONFLICT (trigger_id, customer_id) DO UPDATE SET fired_at = EXCLUDED.fired_at
      WHERE trigger_firings.fired_at <= EXCLUDED.fired_at - make_interval(secs => $4::double precision / 1000)
     RETURNING 1`,
    [input.triggerId, input.customerId, input.at, input.cooldownMs],
  );
  return rows.length === 1;
}

// ------------------------------------------------------------------ calendars

function calendarFromRow(r: Row): StoredCalendar {
  return { ...(r.calendar as BusinessCalendar), id: r.id as string, name: r.name as string, createdAt: date(r.created_at), updatedAt: date(r.updated_at) };
}

export async function saveCalendar(db: SqlExecutor, input: { id?: string; name: string; calendar: BusinessCalendar; at: Date }): Promise<StoredCalendar> {
  const rows = await db.query<Row>(
    `INSERT INTO _sb_.calendars (id, name, calendar, created_at, updated_at) VALUES ($1, $2, $3::jsonb, $4, $4)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, calendar = EXCLUDED.calendar, updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [input.id ?? newId('cal'), input.name, JSON.stringify(input.calendar), input.at],
  );
  return calendarFromRow(rows[0]!);
}

export async function getCalendar(db: SqlExecutor, id: string): Promise<StoredCalendar | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.calendars WHERE id = $1', [id]);
  return rows[0] ? calendarFromRow(rows[0]) : null;
}

export async function listCalendars(db: SqlExecutor): Promise<StoredCalendar[]> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.calendars ORDER BY name COLLATE "C", id COLLATE "C"');
  return rows.map(calendarFromRow);
}

export async function deleteCalendar(db: SqlExecutor, id: string): Promise<boolean> {
  const rows = await db.query<Row>('DELETE FROM _sb_.calendars WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
}

// ------------------------------------------------------------------ handoff

/** Sets `handoffAt` once and logs a `handoff` event, under the ticket's row lock. */
export async function setTicketHandoff(db: SqlClient, input: { ticketId: string; actor: Actor; at: Date }): Promise<{ ticket: Ticket; changed: boolean } | null> {
  return db.transaction(async (tx) => {
    const [current] = await tx.query<Row>('SELECT * FROM _sb_.tickets WHERE id = $1 FOR UPDATE', [input.ticketId]);
    if (!current || current.status === 'closed') return null;
    if (current.handoff_at !== null) return { ticket: ticketRow(current), changed: false };
    await tx.query(
      `SELECT _sb_.ticket_event($1, t, 'handoff', t.status, t.assignee_id, t.branch, $2::jsonb, NULL, $3) FROM _sb_.tickets t WHERE t.id = $4`,
      [newId('evt'), JSON.stringify(input.actor), input.at, input.ticketId],
    );
    const [ticket] = await tx.query<Row>(
      'UPDATE _sb_.tickets SET handoff_at = $2, last_activity_at = greatest(last_activity_at, $2) WHERE id = $1 RETURNING *',
      [input.ticketId, input.at],
    );
    return { ticket: ticketRow(ticket!), changed: true };
  });
}
