import type { CoreContext } from '../context.js';
import { parseInput } from '../domain/content-schema.js';
import type { Actor } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { NotFoundError } from '../errors.js';
import { createTriggerSchema, updateTriggerSchema, type CreateTriggerRequest, type UpdateTriggerRequest } from './trigger-schema.js';
import type { Trigger } from './trigger-model.js';

/**
 * `sb.triggers`: keyword rules. Every rule is validated when saved (a regex that does not compile,
 * a business-hours condition without a calendar, an unknown channel, quick reply or calendar is a
 * ValidationError/NotFoundError), so evaluation never meets a broken rule.
 */
export class TriggerService {
  readonly #ctx: CoreContext;
  readonly #calendarExists: (id: string) => Promise<boolean>;

  constructor(ctx: CoreContext, calendarExists: (id: string) => Promise<boolean>) {
    this.#ctx = ctx;
    this.#calendarExists = calendarExists;
  }

  /** @throws ValidationError, UnknownChannelError, NotFoundError */
  async create(input: CreateTriggerRequest, actor: Actor = SYSTEM_ACTOR): Promise<Trigger> {
    const data = parseInput(createTriggerSchema, input, 'trigger');
    await this.#checkReferences(data);
    const trigger = await this.#ctx.store.createTrigger({ ...data, at: this.#ctx.clock.now() });
    await this.#audit(actor, 'trigger.created', trigger.id, { name: trigger.name, priority: trigger.priority });
    return trigger;
  }

  /** @throws NotFoundError, ValidationError, UnknownChannelError */
  async update(id: string, patch: UpdateTriggerRequest, actor: Actor = SYSTEM_ACTOR): Promise<Trigger> {
    const data = parseInput(updateTriggerSchema, patch, 'trigger update');
    const current = await this.get(id);
    const merged = { ...current, ...data };
    parseInput(createTriggerSchema, stripMeta(merged), 'trigger');
    await this.#checkReferences(merged);
    const trigger = await this.#ctx.store.updateTrigger(id, { ...data, at: this.#ctx.clock.now() });
    if (!trigger) throw new NotFoundError('trigger', id);
    await this.#audit(actor, 'trigger.updated', id, { fields: Object.keys(data) });
    return trigger;
  }

  /** @throws NotFoundError */
  async delete(id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    if (!(await this.#ctx.store.deleteTrigger(id))) throw new NotFoundError('trigger', id);
    await this.#audit(actor, 'trigger.deleted', id, {});
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<Trigger> {
    const trigger = await this.#ctx.store.getTrigger(id);
    if (!trigger) throw new NotFoundError('trigger', id);
    return trigger;
  }

  /** Every rule in evaluation order (highest priority first, ties by id). */
  list(): Promise<Trigger[]> {
    return this.#ctx.store.listTriggers();
  }

  async #checkReferences(t: Pick<Trigger, 'channelId' | 'calendarId' | 'action'>): Promise<void> {
    if (t.channelId) this.#ctx.channel(t.channelId);
    if (t.calendarId && !(await this.#calendarExists(t.calendarId))) throw new NotFoundError('calendar', t.calendarId);
    if (t.action.type === 'reply_quick' && !(await this.#ctx.store.getQuickReply(t.action.quickReplyId))) {
      throw new NotFoundError('quick_reply', t.action.quickReplyId);
    }
    if (t.action.type === 'assign_agent' && !(await this.#ctx.store.getAgent(t.action.agentId))) throw new NotFoundError('agent', t.action.agentId);
  }

  async #audit(actor: Actor, action: string, id: string, data: Record<string, unknown>): Promise<void> {
    await this.#ctx.store.appendAudit({ actor, action, entity: { type: 'trigger', id }, data, at: this.#ctx.clock.now() });
  }
}

function stripMeta(t: Trigger): Omit<Trigger, 'id' | 'createdAt' | 'updatedAt'> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = t;
  return rest;
}
