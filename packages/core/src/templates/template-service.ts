import { z } from 'zod';
import type { CoreContext } from '../context.js';
import { parseInput } from '../domain/content-schema.js';
import type { MessageContent, TemplateContent } from '../domain/message-content.js';
import type { Actor, Message } from '../domain/model.js';
import { SYSTEM_ACTOR } from '../domain/model.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { MessageService } from '../messages/message-service.js';
import { buildTemplateContent, checkTemplateContent, type TemplateParams } from './provider-template-builder.js';
import { fillPlaceholders, malformedPlaceholders } from './placeholders.js';
import type { ProviderTemplate, ProviderTemplateComponent, QuickReply } from './template-model.js';
import type { ProviderTemplateSnapshot } from '../driver/driver.js';

const shortcut = z
  .string()
  .trim()
  .transform((s) => s.replace(/^\//, '').toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9\u0600-\u06FF][a-z0-9_\-\u0600-\u06FF]{0,31}$/, 'shortcuts are 1–32 letters, digits, - or _ (e.g. /greeting)'));
const body = z
  .string()
  .min(1, 'body must not be empty')
  .max(4096, 'body is limited to 4096 characters')
  .refine((b) => malformedPlaceholders(b).length === 0, { message: 'placeholders are {{name}} or {{customer.name}} (letters, digits, _ and dots)' });
const category = z.string().trim().min(1).max(64).nullable();

const createSchema = z
  .object({
    shortcut,
    title: z.string().trim().min(1).max(120).optional(),
    body,
    category: category.optional(),
    /** Owner agent; omit for a global quick reply. */
    agentId: z.string().min(1).nullable().optional(),
  })
  .strict();
const patchSchema = z.object({ shortcut: shortcut.optional(), title: z.string().trim().min(1).max(120).optional(), body: body.optional(), category: category.optional() }).strict();

const componentSchema = z.union([
  z.object({ type: z.literal('HEADER'), format: z.enum(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']), text: z.string().max(60).optional() }),
  z.object({ type: z.literal('BODY'), text: z.string().min(1).max(1024) }),
  z.object({ type: z.literal('FOOTER'), text: z.string().min(1).max(60) }),
  z.object({
    type: z.literal('BUTTONS'),
    buttons: z
      .array(z.object({ type: z.enum(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG']), text: z.string().max(25), url: z.string().max(2000).optional() }))
      .min(1)
      .max(10),
  }),
]);
const providerTemplateSchema = z
  .object({
    channel: z.string().min(1),
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lower-case letters, digits and _'),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'language is a code like en, en_US or ar'),
    category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
    status: z.string().min(1).max(64).default('APPROVED'),
    parameterFormat: z.enum(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
    components: z.array(componentSchema).min(1),
    providerTemplateId: z.string().min(1).nullable().default(null),
  })
  .strict()
  .refine((t) => t.components.filter((c) => c.type === 'BODY').length === 1, { message: 'a template has exactly one BODY', path: ['components'] });

export type CreateQuickReplyRequest = z.input<typeof createSchema>;
export type ProviderTemplateDefinition = z.input<typeof providerTemplateSchema>;

/** Context for rendering a quick reply: who, for which ticket/customer, and custom variables. */
export interface RenderContext {
  agentId?: string;
  ticketId?: string;
  customerId?: string;
  vars?: Record<string, unknown>;
}

/**
 * `sb.templates`: quick replies (global and per agent, `/shortcut`, named variables validated when
 * rendered) and approved provider templates (stored definitions that every template send is
 * checked against before the driver is called).
 */
export class TemplateService {
  readonly #ctx: CoreContext;
  readonly #messages: () => MessageService;

  constructor(ctx: CoreContext, messages: () => MessageService) {
    this.#ctx = ctx;
    this.#messages = messages;
  }

  /**
   * Create a quick reply (global when `agentId` is omitted). An agent actor may only create their
   * own. @throws ValidationError, ForbiddenError, ConflictError (`shortcut_taken`)
   */
  async create(input: CreateQuickReplyRequest, actor: Actor = SYSTEM_ACTOR): Promise<QuickReply> {
    const data = parseInput(createSchema, input, 'quick reply');
    const owner = data.agentId ?? null;
    this.#assertMayEdit(actor, owner, 'create');
    if (owner !== null && !(await this.#ctx.store.getAgent(owner))) throw new NotFoundError('agent', owner);
    const reply = await this.#ctx.store.createQuickReply({
      ownerAgentId: owner,
      shortcut: data.shortcut,
      title: data.title ?? data.shortcut,
      body: data.body,
      category: data.category ?? null,
      at: this.#ctx.clock.now(),
    });
    await this.#audit(actor, 'quick_reply.created', reply.id, { shortcut: reply.shortcut, owner });
    return reply;
  }

  /** Change one; agents may change only their own. @throws NotFoundError, ForbiddenError, ValidationError, ConflictError */
  async update(id: string, patch: z.input<typeof patchSchema>, actor: Actor = SYSTEM_ACTOR): Promise<QuickReply> {
    const data = parseInput(patchSchema, patch, 'quick reply update');
    const existing = await this.get(id);
    this.#assertMayEdit(actor, existing.ownerAgentId, 'edit');
    const reply = await this.#ctx.store.updateQuickReply(id, { ...data, at: this.#ctx.clock.now() });
    if (!reply) throw new NotFoundError('quick_reply', id);
    await this.#audit(actor, 'quick_reply.updated', id, { fields: Object.keys(data) });
    return reply;
  }

  /** @throws NotFoundError, ForbiddenError */
  async delete(id: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const existing = await this.get(id);
    this.#assertMayEdit(actor, existing.ownerAgentId, 'delete');
    await this.#ctx.store.deleteQuickReply(id);
    await this.#audit(actor, 'quick_reply.deleted', id, { shortcut: existing.shortcut });
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<QuickReply> {
    const reply = await this.#ctx.store.getQuickReply(id);
    if (!reply) throw new NotFoundError('quick_reply', id);
    return reply;
  }

  /**
   * What an agent sees: global quick replies plus their own (only global ones without `agentId`),
   * optionally by category or by what they typed (`/gre` finds `/greeting`).
   */
  async list(query: { agentId?: string; category?: string; search?: string } = {}): Promise<QuickReply[]> {
    const prefix = query.search?.trim().replace(/^\//, '').toLowerCase();
    return this.#ctx.store.listQuickReplies({
      agentId: query.agentId ?? null,
      ...(query.category ? { category: query.category } : {}),
      ...(prefix ? { shortcutPrefix: prefix } : {}),
    });
  }

  /**
   * Fill a quick reply's variables: `customer.name`, `customer.phone`, `ticket.id`, `ticket.status`,
   * `agent.name`, `agent.id`, and `vars`. A missing or mistyped variable is a ValidationError
   * listing each — never a literal placeholder in a customer's chat.
   * @param ref the id or the shortcut (an agent's own shortcut wins over a global one)
   * @throws NotFoundError, ValidationError
   */
  async render(ref: string, context: RenderContext = {}): Promise<{ quickReply: QuickReply; text: string }> {
    const quickReply = await this.#resolve(ref, context.agentId ?? null);
    const text = fillPlaceholders(quickReply.body, await this.variables(context));
    this.#ctx.emit('template.rendered', { quickReply, ticketId: context.ticketId ?? null, agentId: context.agentId ?? null });
    return { quickReply, text };
  }

  /** Render a quick reply for a ticket and send it as the agent. @throws like `render` and `messages.send` */
  async reply(ticketId: string, ref: string, context: { agentId: string; vars?: Record<string, unknown> }): Promise<Message> {
    const { text } = await this.render(ref, { ...context, ticketId });
    return this.#messages().send({ ticketId, agentId: context.agentId, text });
  }

  // --------------------------------------------------------------- provider templates

  /** Store (or replace) an approved template definition for a channel. @throws ValidationError, UnknownChannelError */
  async saveProviderTemplate(definition: ProviderTemplateDefinition, actor: Actor = SYSTEM_ACTOR): Promise<ProviderTemplate> {
    const data = parseInput(providerTemplateSchema, definition, 'provider template');
    this.#ctx.channel(data.channel);
    const { channel, ...rest } = data;
    const template = await this.#ctx.store.upsertProviderTemplate({ ...rest, channelId: channel, statusReason: null, at: this.#ctx.clock.now() });
    await this.#audit(actor, 'provider_template.saved', template.id, { name: template.name, language: template.language, status: template.status });
    return template;
  }

  listProviderTemplates(query: { channel?: string; status?: string; name?: string } = {}): Promise<ProviderTemplate[]> {
    return this.#ctx.store.listProviderTemplates({
      ...(query.channel ? { channelId: query.channel } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.name ? { name: query.name } : {}),
    });
  }

  /** @throws NotFoundError */
  async getProviderTemplate(channel: string, name: string, language: string): Promise<ProviderTemplate> {
    const template = await this.#ctx.store.getProviderTemplate(channel, name, language);
    if (!template) throw new NotFoundError('template', `${channel}/${name}/${language}`);
    return template;
  }

  /**
   * The send shape for a stored template and its parameters, checked against the definition.
   * @throws NotFoundError (unknown template), ValidationError (wrong parameters, not approved)
   */
  async build(input: { channel: string; name: string; language: string; params?: TemplateParams }): Promise<TemplateContent> {
    return buildTemplateContent(await this.getProviderTemplate(input.channel, input.name, input.language), input.params ?? []);
  }

  /**
   * Called before any template is sent: when the channel has a stored definition for it, the
   * parameters must match it and it must be APPROVED. (Without a definition there is nothing to
   * check against; the provider's own error, e.g. Cloud API 132000, then reports a mismatch.)
   * @throws ValidationError
   */
  async assertSendable(channelId: string, content: MessageContent): Promise<void> {
    if (content.type !== 'template') return;
    const template = await this.#ctx.store.getProviderTemplate(channelId, content.name, content.language);
    if (template) checkTemplateContent(template, content);
  }

  /**
   * Copy every template the channel's provider holds (Cloud API: the WABA's templates) into the
   * stored definitions: new ones are added, existing ones replaced (status, components). Templates
   * with component kinds Switchboard cannot check (carousels, ...) are stored with the kinds it
   * knows; sending them needs ready-made components.
   * @throws UnknownChannelError, ValidationError (the driver cannot list templates), DriverError
   */
  async sync(channelId: string, actor: Actor = SYSTEM_ACTOR): Promise<{ synced: number; skipped: string[] }> {
    const channel = this.#ctx.channel(channelId);
    const snapshots = await channel.driver.listTemplates();
    if (snapshots === null) {
      throw new ValidationError(`Channel "${channelId}" (${channel.driver.kind}) cannot list provider templates.`, [{ path: 'channel', message: 'no template API' }]);
    }
    let synced = 0;
    const skipped: string[] = [];
    for (const snapshot of snapshots) {
      const category = snapshot.category.toUpperCase();
      if (category !== 'MARKETING' && category !== 'UTILITY' && category !== 'AUTHENTICATION') {
        skipped.push(`${snapshot.name}/${snapshot.language}: category ${snapshot.category}`);
        continue;
      }
      const components = snapshot.components.flatMap((c) => known(c));
      if (!components.some((c) => c.type === 'BODY')) {
        skipped.push(`${snapshot.name}/${snapshot.language}: no body`);
        continue;
      }
      await this.#ctx.store.upsertProviderTemplate({
        channelId,
        name: snapshot.name,
        language: snapshot.language,
        category,
        status: snapshot.status,
        parameterFormat: snapshot.parameterFormat,
        components,
        providerTemplateId: snapshot.providerTemplateId,
        statusReason: snapshot.reason ?? null,
        at: this.#ctx.clock.now(),
      });
      synced++;
    }
    await this.#audit(actor, 'provider_template.synced', channelId, { synced, skipped: skipped.length });
    return { synced, skipped };
  }

  /** Apply a provider's status change (webhook) to the stored definition, if known. */
  async applyStatus(channelId: string, event: { providerTemplateId: string; name: string; language: string; status: string; reason?: string }): Promise<ProviderTemplate | null> {
    return this.#ctx.store.setProviderTemplateStatus({
      channelId,
      providerTemplateId: event.providerTemplateId,
      name: event.name,
      language: event.language,
      status: event.status,
      reason: event.reason ?? null,
      at: this.#ctx.clock.now(),
    });
  }

  async #resolve(ref: string, agentId: string | null): Promise<QuickReply> {
    if (/^tpl_/.test(ref)) {
      const reply = await this.get(ref);
      if (reply.ownerAgentId !== null && agentId !== null && reply.ownerAgentId !== agentId) throw new NotFoundError('quick_reply', ref);
      return reply;
    }
    const wanted = parseInput(shortcut, ref, 'shortcut');
    const candidates = (await this.#ctx.store.listQuickReplies({ agentId, shortcutPrefix: wanted })).filter((r) => r.shortcut === wanted);
    const reply = candidates.find((r) => r.ownerAgentId !== null) ?? candidates[0];
    if (!reply) throw new NotFoundError('quick_reply', `/${wanted}`);
    return reply;
  }

  /** The variables a quick reply or bot reply can use for this ticket/customer/agent, plus `context.vars`. */
  async variables(context: RenderContext): Promise<Record<string, unknown>> {
    const vars: Record<string, unknown> = {};
    const ticket = context.ticketId ? await this.#ctx.store.getTicket(context.ticketId) : null;
    if (context.ticketId && !ticket) throw new NotFoundError('ticket', context.ticketId);
    if (ticket) vars.ticket = { id: ticket.id, status: ticket.status, branch: ticket.branch ?? undefined };
    const customerId = context.customerId ?? ticket?.customerId;
    const customer = customerId ? await this.#ctx.store.getCustomer(customerId) : null;
    if (customer) vars.customer = { id: customer.id, name: customer.name ?? undefined, phone: customer.phone ?? undefined };
    const agent = context.agentId ? await this.#ctx.store.getAgent(context.agentId) : null;
    if (agent) vars.agent = { id: agent.id, name: agent.name };
    return { ...vars, ...(context.vars ?? {}) };
  }

  #assertMayEdit(actor: Actor, owner: string | null, action: string): void {
    if (actor.type !== 'agent') return;
    if (owner !== actor.id) {
      throw new ForbiddenError(
        owner === null ? `Agent "${actor.id}" may not ${action} global quick replies.` : `Agent "${actor.id}" may not ${action} agent "${owner}"'s quick replies.`,
        { agentId: actor.id, owner },
      );
    }
  }

  async #audit(actor: Actor, action: string, id: string, data: Record<string, unknown>): Promise<void> {
    await this.#ctx.store.appendAudit({ actor, action, entity: { type: 'template', id }, data, at: this.#ctx.clock.now() });
  }
}

const HEADER_FORMATS = new Set(['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);
const BUTTON_TYPES = new Set(['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG']);

/** The components Switchboard understands, in its own shape; anything else is left out. */
function known(c: ProviderTemplateSnapshot['components'][number]): ProviderTemplateComponent[] {
  const type = c.type.toUpperCase();
  if (type === 'BODY' && c.text) return [{ type: 'BODY', text: c.text }];
  if (type === 'FOOTER' && c.text) return [{ type: 'FOOTER', text: c.text }];
  if (type === 'HEADER' && c.format && HEADER_FORMATS.has(c.format.toUpperCase())) {
    return [{ type: 'HEADER', format: c.format.toUpperCase() as 'TEXT', ...(c.text ? { text: c.text } : {}) }];
  }
  if (type === 'BUTTONS' && c.buttons) {
    const buttons = c.buttons
      .filter((b) => BUTTON_TYPES.has(b.type.toUpperCase()))
      .map((b) => ({ type: b.type.toUpperCase() as 'URL', text: b.text ?? '', ...(b.url ? { url: b.url } : {}) }));
    return buttons.length > 0 ? [{ type: 'BUTTONS', buttons }] : [];
  }
  return [];
}
