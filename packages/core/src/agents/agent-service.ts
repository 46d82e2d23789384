import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput } from '../domain/content-schema.js';
import type { Actor, Agent, AgentLoad, AgentStatus } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { NotFoundError } from '../errors.js';
import type { Router } from '../routing/router.js';
import type { AgentFilter } from '../store/store.js';

const id = z.string().trim().min(1).max(128);
const label = z.string().trim().min(1).max(128);
const createSchema = z.object({
  id: id.optional(),
  name: z.string().trim().min(1).max(200),
  capacity: z.number().int().min(0).max(10_000),
  status: z.enum(['online', 'offline']).default('offline'),
  branch: label.nullable().default(null),
  skills: z.array(label).max(100).default([]),
});
const patchSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    capacity: z.number().int().min(0).max(10_000).optional(),
    branch: label.nullable().optional(),
    skills: z.array(label).max(100).optional(),
  })
  .strict();

/** A new agent. */
export interface CreateAgent {
  /** Your own id (e.g. the ERP user id); generated (`agt_…`) when omitted. */
  id?: string;
  name: string;
  /** Most non-closed tickets at once (0 takes none). */
  capacity: number;
  /** Default `offline`. */
  status?: 'online' | 'offline';
  /** Branch / team / queue; tickets with a branch go only to its agents. */
  branch?: string | null;
  skills?: string[];
}

/** Changes to an agent; omitted fields stay. */
export interface UpdateAgent {
  name?: string;
  capacity?: number;
  branch?: string | null;
  skills?: string[];
}

/** `sb.agents`: the people who answer tickets. */
export class AgentService {
  readonly #ctx: CoreContext;
  readonly #router: Router;

  constructor(ctx: CoreContext, router: Router) {
    this.#ctx = ctx;
    this.#router = router;
  }

  /** Create an agent (offline by default). @throws ValidationError, ConflictError (id taken) */
  async create(input: CreateAgent, actor: Actor = SYSTEM_ACTOR): Promise<Agent> {
    const data = parseInput(createSchema, input, 'agent');
    const agent = await this.#ctx.store.createAgent({ ...data, at: this.#ctx.clock.now() });
    await this.#audit(actor, 'agent.created', agent.id, { name: agent.name, capacity: agent.capacity, branch: agent.branch });
    if (agent.status === 'online') await this.#router.drain();
    return agent;
  }

  /** Change name, capacity, branch or skills. Raising capacity drains the queue. @throws NotFoundError, ValidationError */
  async update(agentId: string, patch: UpdateAgent, actor: Actor = SYSTEM_ACTOR): Promise<Agent> {
    const data = parseInput(patchSchema, patch, 'agent update');
    const agent = await this.#ctx.store.updateAgent(agentId, data);
    if (!agent) throw new NotFoundError('agent', agentId);
    await this.#audit(actor, 'agent.updated', agent.id, data);
    await this.#router.drain();
    return agent;
  }

  /** Online agents receive routed tickets; going online drains the queue at once. @throws NotFoundError */
  async setStatus(agentId: string, status: AgentStatus, actor: Actor = { type: 'agent', id: agentId }): Promise<Agent> {
    parseInput(z.enum(['online', 'offline']), status, 'agent status');
    const result = await this.#ctx.store.setAgentStatus({ agentId, status, at: this.#ctx.clock.now() });
    if (!result) throw new NotFoundError('agent', agentId);
    if (result.previous !== status) {
      this.#ctx.emit('agent.status_changed', { agent: result.agent, previous: result.previous });
      await this.#audit(actor, `agent.${status}`, agentId, {});
    }
    if (status === 'online') await this.#router.drain();
    return result.agent;
  }

  /** @throws NotFoundError */
  async get(agentId: string): Promise<AgentLoad> {
    const [agent] = await this.#ctx.store.listAgents({ ids: [agentId] });
    if (!agent) throw new NotFoundError('agent', agentId);
    return agent;
  }

  /** Agents with their current load. */
  list(filter: AgentFilter = {}): Promise<AgentLoad[]> {
    return this.#ctx.store.listAgents(filter);
  }

  async #audit(actor: Actor, action: string, agentId: string, data: Record<string, unknown>): Promise<void> {
    await this.#ctx.store.appendAudit({ actor, action, entity: { type: 'agent', id: agentId }, data, at: this.#ctx.clock.now() });
  }
}
