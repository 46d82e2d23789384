import {
  ConflictError,
  newId,
  type BusinessCalendar,
  type CreateQuickReplyInput,
  type StoredCalendar,
  type ProviderTemplate,
  type QuickReply,
  type QuickReplyPatch,
  type QuickReplyQuery,
  type SetProviderTemplateStatusInput,
  type Trigger,
  type TriggerInput,
  type UpsertProviderTemplateInput,
} from '@switchboard/core';
import { clone, key } from './memory-helpers.js';

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Quick replies, provider templates and trigger rules of the memory store (each method atomic,
 * like the rest of the memory store).
 */
export class MemoryAutomation {
  readonly #quickReplies = new Map<string, QuickReply>();
  readonly #templates = new Map<string, ProviderTemplate>();
  readonly #triggers = new Map<string, Trigger>();
  readonly #firings = new Map<string, number>();
  readonly #calendars = new Map<string, StoredCalendar>();

  createQuickReply(input: CreateQuickReplyInput): QuickReply {
    this.#assertShortcutFree(input.ownerAgentId, input.shortcut, null);
    const reply: QuickReply = {
      id: newId('tpl'),
      ownerAgentId: input.ownerAgentId,
      shortcut: input.shortcut,
      title: input.title,
      body: input.body,
      category: input.category,
      createdAt: input.at,
      updatedAt: input.at,
    };
    this.#quickReplies.set(reply.id, reply);
    return clone(reply);
  }

  updateQuickReply(id: string, patch: QuickReplyPatch): QuickReply | null {
    const reply = this.#quickReplies.get(id);
    if (!reply) return null;
    if (patch.shortcut !== undefined && patch.shortcut !== reply.shortcut) this.#assertShortcutFree(reply.ownerAgentId, patch.shortcut, id);
    if (patch.shortcut !== undefined) reply.shortcut = patch.shortcut;
    if (patch.title !== undefined) reply.title = patch.title;
    if (patch.body !== undefined) reply.body = patch.body;
    if (patch.category !== undefined) reply.category = patch.category;
    reply.updatedAt = patch.at;
    return clone(reply);
  }

  deleteQuickReply(id: string): boolean {
    return this.#quickReplies.delete(id);
  }

  getQuickReply(id: string): QuickReply | null {
    const reply = this.#quickReplies.get(id);
    return reply ? clone(reply) : null;
  }

  listQuickReplies(query: QuickReplyQuery): QuickReply[] {
    return [...this.#quickReplies.values()]
      .filter((r) => r.ownerAgentId === null || (query.agentId !== null && r.ownerAgentId === query.agentId))
      .filter((r) => query.category === undefined || r.category === query.category)
      .filter((r) => query.shortcutPrefix === undefined || r.shortcut.startsWith(query.shortcutPrefix))
      .sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : Number(a.ownerAgentId === null) - Number(b.ownerAgentId === null)))
      .map(clone);
  }

  upsertProviderTemplate(input: UpsertProviderTemplateInput): ProviderTemplate {
    const existing = this.#findTemplate(input.channelId, input.name, input.language);
    const { at, ...fields } = input;
    const template: ProviderTemplate = { ...clone(fields), id: existing?.id ?? newId('tpl'), createdAt: existing?.createdAt ?? at, updatedAt: at };
    this.#templates.set(template.id, template);
    return clone(template);
  }

  getProviderTemplate(channelId: string, name: string, language: string): ProviderTemplate | null {
    const template = this.#findTemplate(channelId, name, language);
    return template ? clone(template) : null;
  }

  listProviderTemplates(query: { channelId?: string; status?: string; name?: string }): ProviderTemplate[] {
    return [...this.#templates.values()]
      .filter((t) => (query.channelId === undefined || t.channelId === query.channelId) && (query.status === undefined || t.status === query.status) && (query.name === undefined || t.name === query.name))
      .sort((a, b) => (a.name === b.name ? (a.language < b.language ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map(clone);
  }

  setProviderTemplateStatus(input: SetProviderTemplateStatusInput): ProviderTemplate | null {
    const template =
      (input.providerTemplateId
        ? [...this.#templates.values()].find((t) => t.channelId === input.channelId && t.providerTemplateId === input.providerTemplateId)
        : undefined) ?? this.#findTemplate(input.channelId, input.name, input.language);
    if (!template) return null;
    template.status = input.status;
    template.statusReason = input.reason;
    template.updatedAt = input.at;
    return clone(template);
  }

  deleteProviderTemplate(id: string): boolean {
    return this.#templates.delete(id);
  }

  createTrigger(input: TriggerInput & { at: Date }): Trigger {
    const { at, ...fields } = input;
    const trigger: Trigger = { ...clone(fields), id: newId('trg'), createdAt: at, updatedAt: at };
    this.#triggers.set(trigger.id, trigger);
    return clone(trigger);
  }

  updateTrigger(id: string, patch: Partial<TriggerInput> & { at: Date }): Trigger | null {
    const trigger = this.#triggers.get(id);
    if (!trigger) return null;
    const { at, ...fields } = patch;
    Object.assign(trigger, clone(fields), { updatedAt: at });
    return clone(trigger);
  }

  deleteTrigger(id: string): boolean {
    return this.#triggers.delete(id);
  }

  getTrigger(id: string): Trigger | null {
    const trigger = this.#triggers.get(id);
    return trigger ? clone(trigger) : null;
  }

  listTriggers(): Trigger[] {
    return [...this.#triggers.values()].sort((a, b) => b.priority - a.priority || byId(a, b)).map(clone);
  }

  claimTriggerFiring(input: { triggerId: string; customerId: string; at: Date; cooldownMs: number }): boolean {
    const k = key(input.triggerId, input.customerId);
    const last = this.#firings.get(k);
    if (last !== undefined && input.at.getTime() - last < input.cooldownMs) return false;
    this.#firings.set(k, input.at.getTime());
    return true;
  }

  saveCalendar(input: { id?: string; name: string; calendar: BusinessCalendar; at: Date }): StoredCalendar {
    const existing = input.id ? this.#calendars.get(input.id) : undefined;
    const stored: StoredCalendar = {
      ...clone(input.calendar),
      id: input.id ?? newId('cal'),
      name: input.name,
      createdAt: existing?.createdAt ?? input.at,
      updatedAt: input.at,
    };
    this.#calendars.set(stored.id, stored);
    return clone(stored);
  }

  getCalendar(id: string): StoredCalendar | null {
    const calendar = this.#calendars.get(id);
    return calendar ? clone(calendar) : null;
  }

  listCalendars(): StoredCalendar[] {
    return [...this.#calendars.values()].sort((a, b) => (a.name === b.name ? byId(a, b) : a.name < b.name ? -1 : 1)).map(clone);
  }

  deleteCalendar(id: string): boolean {
    return this.#calendars.delete(id);
  }

  #findTemplate(channelId: string, name: string, language: string): ProviderTemplate | undefined {
    return [...this.#templates.values()].find((t) => t.channelId === channelId && t.name === name && t.language === language);
  }

  #assertShortcutFree(owner: string | null, shortcut: string, exceptId: string | null): void {
    const taken = [...this.#quickReplies.values()].some((r) => r.ownerAgentId === owner && r.shortcut === shortcut && r.id !== exceptId);
    if (taken) {
      throw new ConflictError(`The shortcut "/${shortcut}" is already used${owner ? ` by agent "${owner}"` : ' by a global quick reply'}.`, { shortcut, owner }, 'shortcut_taken');
    }
  }

  /** Every record, for the contract oracle's dump. */
  dump(): Record<string, unknown> {
    return {
      quickReplies: [...this.#quickReplies.entries()],
      templates: [...this.#templates.entries()],
      triggers: [...this.#triggers.entries()],
      firings: [...this.#firings.entries()],
      calendars: [...this.#calendars.entries()],
    };
  }
}
