import { ConflictError, newId, type Agent, type AgentFilter, type AgentLoad, type AgentPatch, type AgentStatus, type CreateAgentInput } from '@switchboard/core';
import { isUniqueViolation } from '../client/errors.js';
import type { SqlClient, SqlExecutor } from '../client/sql-client.js';
import { AGENT_LOAD_SQL, agentLoadRow, agentRow, type Row } from '../rows.js';

export async function createAgent(db: SqlExecutor, input: CreateAgentInput): Promise<Agent> {
  const id = input.id ?? newId('agt');
  try {
    // One statement: the agent and the first line of its status log.
    const rows = await db.query<Row>(
      `WITH a AS (
         INSERT INTO _sb_.agents (id, name, capacity, status, branch, skills, status_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *
       ), log AS (
         INSERT INTO _sb_.agent_status_log (agent_id, status, previous, at) SELECT id, status, NULL, $7 FROM a
       )
       SELECT * FROM a`,
      [id, input.name, input.capacity, input.status, input.branch, input.skills, input.at],
    );
    return agentRow(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`An agent with id "${id}" already exists.`, { agentId: id }, 'agent_exists');
    throw error;
  }
}

export async function updateAgent(db: SqlExecutor, id: string, patch: AgentPatch): Promise<Agent | null> {
  const rows = await db.query<Row>(
    `UPDATE _sb_.agents SET
       name = CASE WHEN $2 THEN $3 ELSE name END,
       capacity = CASE WHEN $4 THEN $5::int ELSE capacity END,
       branch = CASE WHEN $6 THEN $7 ELSE branch END,
       skills = CASE WHEN $8 THEN $9::text[] ELSE skills END
     WHERE id = $1 RETURNING *`,
    [
      id,
      patch.name !== undefined,
      patch.name ?? null,
      patch.capacity !== undefined,
      patch.capacity ?? null,
      patch.branch !== undefined,
      patch.branch ?? null,
      patch.skills !== undefined,
      patch.skills ?? null,
    ],
  );
  return rows[0] ? agentRow(rows[0]) : null;
}

export async function setAgentStatus(
  client: SqlClient,
  input: { agentId: string; status: AgentStatus; at: Date },
): Promise<{ agent: Agent; previous: AgentStatus } | null> {
  return client.transaction(async (tx) => {
    const current = await tx.query<Row>('SELECT * FROM _sb_.agents WHERE id = $1 FOR NO KEY UPDATE', [input.agentId]);
    if (!current[0]) return null;
    const previous = current[0].status as AgentStatus;
    if (previous === input.status) return { agent: agentRow(current[0]), previous };
    const rows = await tx.query<Row>(
      `WITH a AS (UPDATE _sb_.agents SET status = $2, status_changed_at = $3 WHERE id = $1 RETURNING *),
       log AS (INSERT INTO _sb_.agent_status_log (agent_id, status, previous, at) SELECT id, $2, $4, $3 FROM a)
       SELECT * FROM a`,
      [input.agentId, input.status, input.at, previous],
    );
    return { agent: agentRow(rows[0]!), previous };
  });
}

export async function getAgent(db: SqlExecutor, id: string): Promise<Agent | null> {
  const rows = await db.query<Row>('SELECT * FROM _sb_.agents WHERE id = $1', [id]);
  return rows[0] ? agentRow(rows[0]) : null;
}

export async function listAgents(db: SqlExecutor, filter: AgentFilter = {}): Promise<AgentLoad[]> {
  const rows = await db.query<Row>(
    `SELECT * FROM (SELECT ${AGENT_LOAD_SQL} FROM _sb_.agents a
       WHERE ($1::text[] IS NULL OR a.id = ANY($1))
         AND ($2::text IS NULL OR a.status = $2)
         AND (NOT $3 OR a.branch IS NOT DISTINCT FROM $4)
         AND ($5::text[] IS NULL OR a.skills @> $5)) x
     WHERE NOT $6 OR x.open_tickets < x.capacity
     ORDER BY x.id`,
    [
      filter.ids ?? null,
      filter.status ?? null,
      filter.branch !== undefined,
      filter.branch ?? null,
      filter.skills ?? null,
      filter.belowCapacity === true,
    ],
  );
  return rows.map(agentLoadRow);
}
