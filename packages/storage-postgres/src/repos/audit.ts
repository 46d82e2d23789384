import { newId, type AuditEntry, type AuditQuery, type Page } from '@switchboard/core';
import type { SqlExecutor } from '../client/sql-client.js';
import { auditRow, pageOf, type Row } from '../rows.js';

export async function appendAudit(db: SqlExecutor, entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
  const rows = await db.query<Row>(
    `INSERT INTO _sb_.audit (id, actor, actor_id, action, entity_type, entity_id, data, at)
     VALUES ($1, $2::text::jsonb, $3, $4, $5, $6, $7::text::jsonb, $8) RETURNING *`,
    [
      newId('aud'),
      JSON.stringify(entry.actor),
      entry.actor.id ?? null,
      entry.action,
      entry.entity?.type ?? null,
      entry.entity?.id ?? null,
      JSON.stringify(entry.data),
      entry.at,
    ],
  );
  return auditRow(rows[0]!);
}

export async function listAudit(db: SqlExecutor, query: AuditQuery): Promise<Page<AuditEntry>> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.audit
     WHERE ($1::text IS NULL OR id < $1)
       AND ($2::text IS NULL OR entity_type = $2)
       AND ($3::text IS NULL OR entity_id = $3)
       AND ($4::text IS NULL OR actor_id = $4)
     ORDER BY id DESC LIMIT $5`,
    [query.cursor ?? null, query.entityType ?? null, query.entityId ?? null, query.actorId ?? null, query.limit + 1],
  );
  return pageOf(rows, query.limit, auditRow);
}
