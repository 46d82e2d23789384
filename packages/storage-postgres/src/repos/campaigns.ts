import { newId, type Campaign, type CampaignAudience, type CreateCampaignInput, type Page } from '@switchboard/core';
import type { SqlExecutor } from '../client/sql-client.js';
import { date, pageOf, type Row } from '../rows.js';


/** A segment's dates travel through jsonb as ISO strings: bring them back as Dates. */
function audienceFromJson(raw: Record<string, unknown>): CampaignAudience {
  if (raw.type !== 'segment') return raw as CampaignAudience;
  const audience = { ...raw } as Record<string, unknown>;
  for (const field of ['lastContactAfter', 'lastContactBefore']) {
    if (typeof audience[field] === 'string') audience[field] = new Date(audience[field] as string);
  }
  return audience as CampaignAudience;
}

function campaignFromRow(r: Row): Campaign {
  return {
    id: r.id as string,
    name: r.name as string,
    channelId: r.channel_id as string,
    content: r.content as Campaign['content'],
    audience: audienceFromJson(r.audience as Record<string, unknown>),
    scheduledAt: date(r.scheduled_at),
    status: r.status as Campaign['status'],
    recipients: Number(r.recipients),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export async function createCampaign(db: SqlExecutor, input: CreateCampaignInput): Promise<Campaign> {
  const rows = await db.query<Row>(
    `INSERT INTO _sb_.campaigns (id, name, channel_id, content, audience, scheduled_at, status, recipients, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, 'draft', 0, $7, $7) RETURNING *`,
    [newId('cmp'), input.name, input.channelId, JSON.stringify(input.content), JSON.stringify(input.audience), input.scheduledAt, input.at],
  );
  return campaignFromRow(rows[0]!);
}

export async function getCampaign(db: SqlExecutor, id: string): Promise<Campaign | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.campaigns WHERE id = $1', [id]);
  return rows[0] ? campaignFromRow(rows[0]) : null;
}

export async function listCampaigns(db: SqlExecutor, query: { limit: number; cursor?: string }): Promise<Page<Campaign>> {
  const rows = await db.query<Row>(
    `SELECT * FROM _sb_.campaigns WHERE ($1::text IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [query.cursor ?? null, query.limit + 1],
  );
  return pageOf(rows, query.limit, campaignFromRow);
}

export async function updateCampaign(
  db: SqlExecutor,
  id: string,
  patch: { status?: Campaign['status']; recipients?: number; at: Date },
): Promise<Campaign | null> {
  const rows = await db.query<Row>(
    `UPDATE _sb_.campaigns SET status = COALESCE($2::text, status), recipients = COALESCE($3::int, recipients), updated_at = $4
      WHERE id = $1 RETURNING *`,
    [id, patch.status ?? null, patch.recipients ?? null, patch.at],
  );
  return rows[0] ? campaignFromRow(rows[0]) : null;
}
