import type { SqlExecutor } from '../client/sql-client.js';

export async function getChannelValue(db: SqlExecutor, channelId: string, key: string): Promise<unknown> {
  const rows = await db.query<{ value: string }>('SELECT value FROM _sb_.channel_values WHERE channel_id = $1 AND key = $2', [channelId, key]);
  return rows[0] ? (JSON.parse(rows[0].value) as unknown) : null;
}

export async function setChannelValue(db: SqlExecutor, input: { channelId: string; key: string; value: unknown; at: Date }): Promise<void> {
  // JSON.stringify first: a value that cannot be serialized fails here, before anything is written.
  const value = JSON.stringify(input.value);
  await db.query(
    `INSERT INTO _sb_.channel_values (channel_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [input.channelId, input.key, value ?? 'null', input.at],
  );
}

export async function deleteChannelValue(db: SqlExecutor, channelId: string, key: string): Promise<void> {
  await db.query('DELETE FROM _sb_.channel_values WHERE channel_id = $1 AND key = $2', [channelId, key]);
}
