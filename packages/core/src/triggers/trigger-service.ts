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
  readonly #cacheMs: number;
  /** Rules as last read for evaluation, and when (cleared by every change made here). */
  #cached: { rules: Promise<Trigger[]>; at: number } | undefined;

  /** `cacheMs`: how long evaluation reuses the rules it read (0: read them for every message). */
  constructor(ctx: CoreContext, calendarExists: (id: string) => Promise<boolean>, cacheMs = 0) {
    this.#ctx = ctx;
    this.#calendarExists = calendarExists;
    this.#cacheMs = cacheMs;
  }

  /**
   * The rules inbound evaluation uses: read from the store at most once per `cacheMs` of the
   * clock. This instance's own changes apply at once; another instance's within `cacheMs`.
   */
  rulesForEvaluation(): Promise<Trigger[]> {
    const now = this.#ctx.clock.now().getTime();
    const cached = this.#cached;
    if (cached && now - cached.at < this.#cacheMs && now >= cached.at) return cached.rules;
    const rules = this.#ctx.store.listTriggers();
    if (this.#cacheMs > 0) {
      const entry = { rules, at: now };
      this.#cached = entry;
      // A failed read is not remembered.
      rules.catch(() => {
        if (this.#cached === entry) this.#cached = undefined;
      });
    }
    return rules;
  }

  #invalidate(): void {
    this.#cached = undefined;
  }

  /** @throws ValidationError, UnknownChannelError, NotFoundError */
  async create(input: CreateTriggerRequest, actor: Actor = SYSTEM_ACTOR): Promise<Trigger> {
    const data = parseInput(createTriggerSchema, input, 'trigger');
    await this.#checkReferences(data);
    const trigger = await this.#ctx.store.createTrigger({ ...data, at: this.#ctx.clock.now() });
    this.#invalidate();
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
    this.#invalidate();
    if (!trigger) throw new NotFoundError('trigger', id);
    await this.#audit(actor, 'trigger.updated', id, { fields: Object.keys(data) });
    return trigger;
  }

  /** @throws NotFoundError */
  async delete(id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const deleted = await this.#ctx.store.deleteTrigger(id);
    this.#invalidate();
    if (!deleted) throw new NotFoundError('trigger', id);
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
