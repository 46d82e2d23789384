import type { CoreContext } from '../context.js';
import type { Actor, Customer, Ticket } from '../domain/model.js';
import type { CustomerService } from '../customers/customer-service.js';
import type { InboundHook, InboundStored } from '../inbound/inbound-hook.js';
import { errorForLog } from '../logger.js';
import type { MessageService } from '../messages/message-service.js';
import type { Router } from '../routing/router.js';
import { fillPlaceholders } from '../templates/placeholders.js';
import type { TemplateService } from '../templates/template-service.js';
import { normalizeText } from '../text/normalize.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { matchesTrigger } from './trigger-matcher.js';
import type { Trigger, TriggerAction } from './trigger-model.js';

export interface TriggerSettings {
  /** Whole messages that hand the customer to a human (compared after `normalizeText`). */
  handoffKeywords: string[];
  /** Sent when a customer asks for a human (null: nothing). */
  handoffReply: string | null;
  /**
   * Bot replies stay silent on a ticket once a human replied on it: ever (null, the default), or
   * only within this many milliseconds of the last human reply.
   */
  botReplyGuardMs: number | null;
}

/** Business-hours state of a calendar at an instant, with variables for replies. */
export interface CalendarState {
  open: boolean;
  /** Variables under `hours.` (e.g. `hours.nextOpening`). */
  vars: Record<string, string>;
}

export interface TriggerDeps {
  tickets: TicketService;
  messages: MessageService;
  customers: CustomerService;
  templates: TemplateService;
  router: Router;
  /** The rules to evaluate, in order (may be cached). */
  rules: () => Promise<Trigger[]>;
  calendarState: (calendarId: string, at: Date) => Promise<CalendarState>;
}

const SPEAKS = new Set<TriggerAction['type']>(['reply', 'reply_quick', 'close']);

/**
 * Runs after a customer message is stored and routed: first the handoff words, then the keyword
 * rules by priority. A rule acts at most once per customer per cooldown (an atomic store claim);
 * rules that would speak stay silent on tickets a human took over (handoff) or answered.
 */
export function triggerHook(ctx: CoreContext, deps: TriggerDeps, settings: TriggerSettings): InboundHook {
  const handoffWords = new Set(settings.handoffKeywords.map((w) => normalizeText(w)));

  const handoff = async (ticket: Ticket, actor: Actor, reason: string): Promise<Ticket> => {
    const result = await ctx.store.setTicketHandoff({ ticketId: ticket.id, actor, at: ctx.clock.now() });
    if (!result?.changed) return result?.ticket ?? ticket;
    const events = await ctx.store.listTicketEvents(ticket.id);
    const event = events.at(-1)!;
    ctx.emit('ticket.handoff', { ticket: result.ticket, event, reason });
    if (settings.handoffReply) await speak(result.ticket, settings.handoffReply, { type: 'bot', id: 'handoff' }, {});
    return result.ticket.status === 'queued' ? ((await deps.router.route(result.ticket)) ?? result.ticket) : result.ticket;
  };

  const speak = async (ticket: Ticket, text: string, actor: Actor, extra: Record<string, unknown>): Promise<void> => {
    const vars = { ...(await deps.templates.variables({ ticketId: ticket.id })), ...extra };
    await deps.messages.send({ ticketId: ticket.id, text: fillPlaceholders(text, vars), actor });
  };

  const humanAnswered = (ticket: Ticket): boolean =>
    ticket.handoffAt !== null ||
    (ticket.lastAgentReplyAt !== null && (settings.botReplyGuardMs === null || ctx.clock.now().getTime() - ticket.lastAgentReplyAt.getTime() <= settings.botReplyGuardMs));

  const act = async (rule: Trigger, ticket: Ticket, customer: Customer, extra: Record<string, unknown>): Promise<void> => {
    const actor: Actor = { type: 'bot', id: rule.id };
    const action = rule.action;
    switch (action.type) {
      case 'reply':
        return speak(ticket, action.text, actor, extra);
      case 'reply_quick': {
        const { text } = await deps.templates.render(action.quickReplyId, { ticketId: ticket.id, vars: extra });
        await deps.messages.send({ ticketId: ticket.id, text, actor });
        return;
      }
      case 'assign_agent':
        await deps.tickets.transfer(ticket.id, { agentId: action.agentId, reason: `trigger: ${rule.name}` }, { actor });
        return;
      case 'assign_branch':
        await deps.tickets.transfer(ticket.id, { branch: action.branch, reason: `trigger: ${rule.name}` }, { actor });
        return;
      case 'tag':
        await deps.customers.tag(customer.id, action.tags, actor);
        return;
      case 'close':
        if (action.text) await speak(ticket, action.text, actor, extra);
        await deps.tickets.close(ticket.id, { actor, reason: `trigger: ${rule.name}` });
        return;
      case 'handoff':
        await handoff(ticket, actor, `trigger: ${rule.name}`);
        return;
    }
  };

  return {
    name: 'triggers',
    async after({ channelId, message, ticket, customer }: InboundStored) {
      if (message.content.type === 'text' && handoffWords.has(normalizeText(message.content.text))) {
        await handoff(ticket, { type: 'customer', id: customer.id }, 'handoff keyword');
        return;
      }
      const rules = (await deps.rules()).filter(
        (t) => t.enabled && (t.channelId === null || t.channelId === channelId) && (t.branch === null || t.branch === ticket.branch),
      );
      let current = ticket;
      for (const rule of rules) {
        if (!matchesTrigger(rule, message.content)) continue;
        let extra: Record<string, unknown> = {};
        if (rule.when !== 'always' && rule.calendarId) {
          const state = await deps.calendarState(rule.calendarId, ctx.clock.now());
          if (state.open !== (rule.when === 'open')) continue;
          extra = { hours: state.vars };
        }
        const silenced = SPEAKS.has(rule.action.type) && humanAnswered(current);
        if (!silenced && (rule.cooldownMs === 0 || (await ctx.store.claimTriggerFiring({ triggerId: rule.id, customerId: customer.id, at: ctx.clock.now(), cooldownMs: rule.cooldownMs })))) {
          try {
            await act(rule, current, customer, extra);
            ctx.emit('trigger.fired', { trigger: rule, ticketId: current.id, messageId: message.id });
            await ctx.store.appendAudit({
              actor: { type: 'bot', id: rule.id },
              action: 'trigger.fired',
              entity: { type: 'ticket', id: current.id },
              data: { trigger: rule.name, action: rule.action.type, messageId: message.id },
              at: ctx.clock.now(),
            });
          } catch (error) {
            ctx.logger.warn({ trigger: rule.id, ticketId: current.id, err: errorForLog(error) }, 'trigger action failed');
            ctx.emit('error', { error: error as Error, context: `trigger.${rule.id}` });
          }
          current = (await ctx.store.getTicket(current.id)) ?? current;
          if (current.status === 'closed') return;
        }
        if (rule.stopProcessing) return;
      }
    },
  };
}
