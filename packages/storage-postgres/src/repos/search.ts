import { searchableText, searchTerms, type Message, type MessageContent, type MessageSearchQuery, type Page } from '@switchboard/core';
import type { SqlExecutor } from '../client/sql-client.js';
import { messageRow, pageOf, type Row } from '../rows.js';

/** The lexemes a message is indexed under (`messages.search_tsv` = `array_to_tsvector(these)`). */
export const searchLexemes = (content: MessageContent): string[] => searchTerms(searchableText(content));

const BACKFILL_BATCH = 500;

/** Index messages some insert path stored without lexemes (none of this package's paths do). */
async function backfill(db: SqlExecutor): Promise<void> {
  for (;;) {
    const rows = await db.query<{ id: string; content: MessageContent | string }>(
      'SELECT id, content FROM _sb_.messages WHERE search_tsv IS NULL ORDER BY id LIMIT $1',
      [BACKFILL_BATCH],
    );
    if (rows.length === 0) return;
    await db.query(
      `UPDATE _sb_.messages m SET search_tsv = array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text(x.terms)))
       FROM jsonb_to_recordset($1::text::jsonb) AS x(id text, terms jsonb)
       WHERE m.id = x.id AND m.search_tsv IS NULL`,
      [JSON.stringify(rows.map((r) => ({ id: r.id, terms: searchLexemes(typeof r.content === 'string' ? (JSON.parse(r.content) as MessageContent) : r.content) })))],
    );
    if (rows.length < BACKFILL_BATCH) return;
  }
}

/** A tsquery of whole lexemes joined by AND; terms hold only letters, marks, digits and `_`. */
const tsquery = (terms: string[]): string => terms.map((t) => `'${t.replaceAll("'", "''")}'`).join(' & ');

export async function searchMessages(db: SqlExecutor, query: MessageSearchQuery): Promise<Page<Message>> {
  const terms = searchTerms(query.text);
  if (terms.length === 0) return { items: [], nextCursor: null };
  await backfill(db);
  const rows = await db.query<Row>(
    `SELECT m.* FROM _sb_.messages m
     WHERE m.search_tsv @@ $1::tsquery
       AND ($2::text IS NULL OR m.id < $2)
       AND ($3::text IS NULL OR m.channel_id = $3)
       AND ($4::text IS NULL OR m.customer_id = $4)
       AND ($5::text IS NULL OR m.ticket_id = $5)
       AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM _sb_.tickets t WHERE t.id = m.ticket_id AND t.assignee_id = $6))
     ORDER BY m.id DESC LIMIT $7`,
    [tsquery(terms), query.cursor ?? null, query.channelId ?? null, query.customerId ?? null, query.ticketId ?? null, query.agentId ?? null, query.limit + 1],
  );
  return pageOf(rows, query.limit, messageRow);
}
