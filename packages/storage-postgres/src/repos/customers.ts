import {
  ERASED_CONTENT,
  ERASED_TEXT,
  erasedIdentity,
  newId,
  type Actor,
  type Customer,
  type CustomerChannel,
  type CustomerNote,
  type CustomerPatch,
  type CustomerQuery,
  type Page,
  type UpsertCustomerInput,
} from '@switchboard/core';
import type { SqlClient, SqlExecutor } from '../client/sql-client.js';
import { customerChannelRow, customerRow, noteRow, pageOf, type Row } from '../rows.js';
import { eraseNotificationRecipient } from './notifications.js';
import { searchLexemes } from './search.js';

export async function getCustomer(db: SqlExecutor, id: string): Promise<Customer | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.customers WHERE id = $1', [id]);
  return rows[0] ? customerRow(rows[0]) : null;
}

export async function findCustomerByIdentity(db: SqlExecutor, identity: string): Promise<Customer | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.customers WHERE identity = $1', [identity]);
  return rows[0] ? customerRow(rows[0]) : null;
}

/** Create-or-get by identity (`_sb_.upsert_customer`); the row stays locked until `db`'s transaction ends. */
export async function upsertCustomer(db: SqlExecutor, input: UpsertCustomerInput): Promise<{ customer: Customer; created: boolean }> {
  const id = newId('cus');
  const rows = await db.query<Row>('SELECT * FROM _sb_.upsert_customer($1, $2, $3, $4, $5)', [id, input.identity, input.phone, input.name, input.at]);
  const customer = customerRow(rows[0]!);
  return { customer, created: customer.id === id };
}

export async function updateCustomer(db: SqlExecutor, id: string, patch: CustomerPatch): Promise<Customer | null> {
  const rows = await db.query<Row>(
    `UPDATE _sb_.customers SET
       name = CASE WHEN $2 THEN $3 ELSE name END,
       tags = CASE WHEN $4 THEN $5::text[] ELSE tags END,
       updated_at = $6
     WHERE id = $1 RETURNING *`,
    [id, patch.name !== undefined, patch.name ?? null, patch.tags !== undefined, patch.tags ?? null, patch.at],
  );
  return rows[0] ? customerRow(rows[0]) : null;
}

/** LIKE pattern for a case-insensitive substring match. */
const containing = (needle: string): string => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listCustomers(db: SqlExecutor, query: CustomerQuery): Promise<Page<Customer>> {
  const needle = query.search?.trim().toLowerCase();
  const byInbound = query.lastInboundAfter !== undefined || query.lastInboundBefore !== undefined;
  const tags = [...(query.tag !== undefined ? [query.tag] : []), ...(query.tags ?? [])];
  const rows = await db.query<Row>(
    `SELECT c.* FROM _sb_.customers c
     WHERE ($1::text IS NULL OR c.id < $1)
       AND ($2::text IS NULL OR lower(coalesce(c.name, '')) LIKE $2 OR coalesce(c.phone, '') LIKE $2)
       AND (cardinality($3::text[]) = 0 OR c.tags @> $3)
       AND (NOT $4 OR EXISTS (
         SELECT 1 FROM _sb_.customer_channels cc
         WHERE cc.customer_id = c.id AND cc.channel_id = $5 AND cc.last_inbound_at IS NOT NULL
           AND ($6::timestamptz IS NULL OR cc.last_inbound_at >= $6)
           AND ($7::timestamptz IS NULL OR cc.last_inbound_at < $7)))
     ORDER BY c.id DESC
     LIMIT $8`,
    [
      query.cursor ?? null,
      needle ? containing(needle) : null,
      tags,
      byInbound,
      query.channelId ?? '',
      query.lastInboundAfter ?? null,
      query.lastInboundBefore ?? null,
      query.limit + 1,
    ],
  );
  return pageOf(rows, query.limit, customerRow);
}

export async function getCustomerChannel(db: SqlExecutor, customerId: string, channelId: string): Promise<CustomerChannel | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.customer_channels WHERE customer_id = $1 AND channel_id = $2', [customerId, channelId]);
  return rows[0] ? customerChannelRow(rows[0]) : null;
}

export async function addCustomerNote(db: SqlExecutor, input: { customerId: string; author: Actor; text: string; at: Date }): Promise<CustomerNote | null> {
  const rows = await db.query<Row>(
    `INSERT INTO _sb_.customer_notes (id, customer_id, author, text, created_at)
     SELECT $1, id, $3::text::jsonb, $4, $5 FROM _sb_.customers WHERE id = $2
     RETURNING *`,
    [newId('evt'), input.customerId, JSON.stringify(input.author), input.text, input.at],
  );
  return rows[0] ? noteRow(rows[0]) : null;
}

export async function listCustomerNotes(db: SqlExecutor, customerId: string): Promise<CustomerNote[]> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.customer_notes WHERE customer_id = $1 ORDER BY id', [customerId]);
  return rows.map(noteRow);
}

/**
 * GDPR erasure in one transaction (see `Store.eraseCustomer`): the customer's identity, name,
 * phone, tags, note texts, message contents and error texts, their notifications' recipients
 * and content, and the data of audit entries about them. Ids, statuses, times, tickets, events
 * and CSAT records stay, so KPI facts do not change.
 */
export async function eraseCustomer(client: SqlClient, input: { customerId: string; at: Date }): Promise<Customer | null> {
  return client.transaction(async (tx) => {
    const locked = await tx.query<Row>('SELECT * FROM _sb_.customers WHERE id = $1 FOR UPDATE', [input.customerId]);
    if (!locked[0]) return null;
    const phone = locked[0].phone as string | null;
    const erased = erasedIdentity(input.customerId);
    const erasedContent = JSON.stringify(ERASED_CONTENT);
    const rows = await tx.query<Row>(
      `UPDATE _sb_.customers SET identity = $2, phone = NULL, name = NULL, tags = '{}', updated_at = $3 WHERE id = $1 RETURNING *`,
      [input.customerId, erased, input.at],
    );
    await tx.query('UPDATE _sb_.customer_channels SET address = $2 WHERE customer_id = $1', [input.customerId, erased]);
    await tx.query('UPDATE _sb_.customer_notes SET text = $2 WHERE customer_id = $1', [input.customerId, ERASED_TEXT]);
    await tx.query(
      `UPDATE _sb_.messages SET content = $2::text::jsonb, search_tsv = array_to_tsvector($3::text[]),
         error = CASE WHEN error IS NULL THEN NULL ELSE jsonb_set(error, '{message}', to_jsonb($4::text)) END
       WHERE customer_id = $1`,
      [input.customerId, erasedContent, searchLexemes(ERASED_CONTENT), ERASED_TEXT],
    );
    if (phone !== null) await eraseNotificationRecipient(tx, { phone, erasedTo: erased, erasedContent: ERASED_CONTENT, erasedText: ERASED_TEXT });
    await tx.query(`UPDATE _sb_.audit SET data = '{}' WHERE entity_type = 'customer' AND entity_id = $1`, [input.customerId]);
    return customerRow(rows[0]!);
  });
}
