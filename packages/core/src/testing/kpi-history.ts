/**
 * A deterministic, seeded service-desk history for KPI tests and benchmarks: agents with
 * shifts, customers, tickets with bot replies and handoffs, queue waits, transfers (to agents and branch
 * queues), pending, phone-app replies, failed sends, closes (by agents and auto-close),
 * reopenings and CSAT — across days, months and (by default) Cairo's April DST change.
 *
 * The records are plain rows with ids and timestamps (bulk-loadable), consistent with what the
 * stores write; `kpiHistoryFacts` turns them into calculator input and `loadKpiHistory` replays
 * them through a store's ordinary methods, in time order.
 */
import type { Actor, AgentStatus, TicketEvent, TicketEventType, TicketStatus } from '../domain/model.js';
import { zoneOffsets } from '../hours/time-zone.js';
import type { AgentStatusChange, CsatAnswer, CsatRating, CsatRequest, KpiAgent, KpiFacts, KpiMessage, KpiTicket } from '../kpis/kpi-facts.js';
import type { Store } from '../store/store.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface KpiHistoryOptions {
  /** Same seed, same history. Default 1. */
  seed?: number;
  /** Roughly how many messages to generate (the last ticket may add a few more). */
  messages: number;
  /** Default `2026-04-01T00:00:00Z` (spans Cairo's DST change on 2026-04-24). */
  start?: Date | string;
  /** Length of the history in days (default 60). */
  days?: number;
  /** Agents `a0…`, spread over the branches (default 15). */
  agents?: number;
  /** Default `b0`…`b4`. */
  branches?: string[];
  /** Channel id → branch of the tickets opened there (default `{ main: null, second: 'b0' }`). */
  channels?: Record<string, string | null>;
  /** Default: one per 25 messages (at least 10). */
  customers?: number;
  /** Zone of the working hours (default `Africa/Cairo`). */
  timeZone?: string;
}

/** A generated message: calculator fields plus what a store needs to load it. */
export interface KpiHistoryMessage extends KpiMessage {
  text: string;
  /** Inbound messages and phone-app echoes carry the provider's id. */
  providerMessageId: string | null;
  /** Set on a customer's CSAT answer. */
  rating?: CsatRating;
}

export interface KpiHistory {
  seed: number;
  /** The generated span: every record is inside it. */
  range: { from: Date; to: Date };
  agents: Array<KpiAgent & { name: string }>;
  customers: Array<{ id: string; phone: string; name: string }>;
  tickets: Array<KpiTicket & { branch: string | null }>;
  messages: KpiHistoryMessage[];
  ticketEvents: TicketEvent[];
  agentStatusChanges: AgentStatusChange[];
  csatRequests: CsatRequest[];
  csatAnswers: CsatAnswer[];
}

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const agentActor = (agentId: string | null): Actor => (agentId ? { type: 'agent', id: agentId } : { type: 'system' });

const TEXTS = ['السلام عليكم', 'hello', 'is my order ready?', 'عندي استفسار عن دواء', 'thanks', 'متى تفتحون؟', 'ok', 'price?'];

interface TicketRun {
  id: string;
  channelId: string;
  customerId: string;
  status: TicketStatus;
  assignee: string | null;
  branch: string | null;
  /** Time of the ticket's latest record. */
  lastAt: number;
}

/** Generate a history. Deterministic for given options. */
export function generateKpiHistory(options: KpiHistoryOptions): KpiHistory {
  const seed = options.seed ?? 1;
  const rand = prng(seed);
  const chance = (p: number): boolean => rand() < p;
  const between = (a: number, b: number): number => a + Math.floor(rand() * (b - a + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const start = new Date(options.start ?? '2026-04-01T00:00:00Z').getTime();
  const end = start + (options.days ?? 60) * DAY;
  const branches = options.branches ?? ['b0', 'b1', 'b2', 'b3', 'b4'];
  const channels = Object.entries(options.channels ?? { main: null, second: 'b0' });
  const zone = zoneOffsets(options.timeZone ?? 'Africa/Cairo');
  const target = options.messages;
  const customerCount = options.customers ?? Math.max(10, Math.round(target / 25));

  const history: KpiHistory = {
    seed,
    range: { from: new Date(start), to: new Date(end) },
    agents: [],
    customers: [],
    tickets: [],
    messages: [],
    ticketEvents: [],
    agentStatusChanges: [],
    csatRequests: [],
    csatAnswers: [],
  };
  let seq = 0;
  const id = (prefix: string): string => `${prefix}-${(++seq).toString(36)}`;

  // ---------------------------------------------------------------- agents and shifts
  const agentCount = options.agents ?? 15;
  const byBranch = new Map<string, string[]>();
  for (let i = 0; i < agentCount; i++) {
    const agentId = `a${i}`;
    const branch = branches[i % branches.length]!;
    history.agents.push({ id: agentId, name: `Agent ${i}`, branch, capacity: 4, status: 'offline', createdAt: new Date(start - DAY) });
    history.agentStatusChanges.push({ agentId, status: 'offline', previous: null, at: new Date(start - DAY) });
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), agentId]);
    let status: AgentStatus = 'offline';
    const set = (next: AgentStatus, at: number): void => {
      if (next === status || at >= end) return;
      history.agentStatusChanges.push({ agentId, status: next, previous: status, at: new Date(at) });
      status = next;
    };
    const firstDay = zone.dayOf(start);
    for (let day = firstDay; zone.dayStart(day) < end; day++) {
      if (chance(0.15)) continue;
      const local = (minutes: number): number => zone.toInstant(day * DAY + minutes * MINUTE) + between(0, 59) * SECOND;
      const on = Math.max(start, local(between(7 * 60 + 30, 9 * 60 + 30)));
      const off = local(between(16 * 60, 18 * 60 + 30));
      set('online', on);
      if (chance(0.5)) {
        const lunch = local(between(12 * 60 + 30, 14 * 60));
        set('offline', lunch);
        set('online', lunch + between(15, 45) * MINUTE);
      }
      set('offline', off);
    }
    history.agents[i]!.status = status;
  }
  history.agentStatusChanges.sort((a, b) => a.at.getTime() - b.at.getTime());

  // ---------------------------------------------------------------- customers
  for (let i = 0; i < customerCount; i++) {
    history.customers.push({ id: `c${i}`, phone: `+2010${String(10_000_000 + i)}`, name: `Customer ${i}` });
  }
  const nextFree = new Float64Array(customerCount);

  // ---------------------------------------------------------------- tickets
  const agentIds = history.agents.map((a) => a.id);
  /** A customer write time weighted to local daytime. */
  const randomStart = (): number => {
    for (;;) {
      const t = start + Math.floor(rand() * (end - start));
      const hour = Math.floor((((t + zone.offsetAt(t)) % DAY) + DAY) % DAY / HOUR);
      if (hour >= 8 && hour < 23 ? chance(0.95) : chance(0.15)) return t;
    }
  };
  const responseDelay = (): number => {
    const r = rand();
    if (r < 0.6) return between(30, 300) * SECOND;
    if (r < 0.85) return between(5, 20) * MINUTE;
    if (r < 0.95) return between(20, 90) * MINUTE;
    return between(90, 600) * MINUTE;
  };

  let attempts = 0;
  while (history.messages.length < target && attempts < target * 20) {
    attempts++;
    const customer = Math.floor(rand() * customerCount);
    const t = Math.max(randomStart(), nextFree[customer]! + between(5, 600) * MINUTE);
    if (t >= end - HOUR) continue;
    const [channelId, channelBranch] = pick(channels);
    const run: TicketRun = { id: id('t'), channelId, customerId: `c${customer}`, status: 'queued', assignee: null, branch: null, lastAt: t };
    history.tickets.push({ id: run.id, channelId, customerId: run.customerId, openedAt: new Date(t), branch: channelBranch });

    const within = (at: number): boolean => at < end;
    const event = (type: TicketEventType, at: number, to: { status: TicketStatus; agent?: string | null; branch?: string | null }, actor: Actor): void => {
      history.ticketEvents.push({
        id: id('e'),
        ticketId: run.id,
        type,
        fromStatus: type === 'opened' ? null : run.status,
        toStatus: to.status,
        fromAgentId: type === 'opened' ? null : run.assignee,
        toAgentId: to.agent === undefined ? run.assignee : to.agent,
        fromBranch: type === 'opened' ? null : run.branch,
        toBranch: to.branch === undefined ? run.branch : to.branch,
        actor,
        reason: null,
        at: new Date(at),
      });
      run.lastAt = at;
      run.status = to.status;
      run.assignee = to.agent === undefined ? run.assignee : to.agent;
      run.branch = to.branch === undefined ? run.branch : to.branch;
    };
    const customerActor: Actor = { type: 'customer', id: run.customerId };
    const message = (direction: 'inbound' | 'outbound', author: Actor, at: number, status: KpiMessage['status'] = direction === 'inbound' ? 'received' : 'sent', rating?: CsatRating): string => {
      const messageId = id('m');
      run.lastAt = at;
      history.messages.push({
        id: messageId,
        ticketId: run.id,
        channelId,
        customerId: run.customerId,
        direction,
        author,
        status,
        at: new Date(at),
        text: rating !== undefined ? String(rating) : pick(TEXTS),
        providerMessageId: direction === 'inbound' || author.type === 'phone' ? `wamid.${seed}.${messageId}` : null,
        ...(rating !== undefined ? { rating } : {}),
      });
      return messageId;
    };
    const customerWrites = (at: number): void => {
      if (run.status === 'pending') event('status_changed', at, { status: 'open' }, customerActor);
      message('inbound', customerActor, at);
    };
    const assign = (at: number): void => {
      const pool = run.branch ? (byBranch.get(run.branch) ?? agentIds) : agentIds;
      event('assigned', at, { status: run.status === 'queued' ? 'open' : run.status, agent: pick(pool) }, { type: 'system' });
    };

    /** One cycle (opening or reopening → close); returns the close time, or null if it ran past the end. */
    const cycle = (opening: number, reopen: boolean): number | null => {
      let now = opening;
      let handedOff = false;
      if (reopen) {
        event('reopened', now, { status: 'queued', agent: null }, customerActor);
      } else {
        event('opened', now, { status: 'queued', agent: null, branch: channelBranch }, customerActor);
      }
      message('inbound', customerActor, now);
      if (chance(0.3)) {
        now += between(1, 5) * SECOND;
        if (!within(now)) return null;
        message('outbound', { type: 'bot' }, now);
        if (chance(0.5)) {
          now += between(20, 180) * SECOND;
          if (!within(now)) return null;
          customerWrites(now);
          if (chance(0.3)) {
            // The customer typed the handoff word; the bot acknowledges and stays silent after.
            now += between(1, 3) * SECOND;
            if (!within(now)) return null;
            event('handoff', now, { status: run.status }, customerActor);
            handedOff = true;
            now += between(1, 3) * SECOND;
            if (!within(now)) return null;
            message('outbound', { type: 'bot' }, now);
          } else if (chance(0.6)) {
            now += between(1, 5) * SECOND;
            if (!within(now)) return null;
            message('outbound', { type: 'bot' }, now);
          }
        }
      }
      now += chance(0.7) ? between(1, 20) * SECOND : between(1, 90) * MINUTE;
      if (!within(now)) return null;
      assign(now);

      const exchanges = 1 + Math.floor(-Math.log(1 - rand()) * 2);
      for (let k = 0; k < exchanges; k++) {
        if (chance(0.08)) {
          now += between(1, 10) * MINUTE;
          if (!within(now)) return null;
          if (chance(0.6)) {
            const others = agentIds.filter((a) => a !== run.assignee);
            event('transferred', now, { status: run.status, agent: pick(others) }, agentActor(run.assignee));
          } else {
            const to = pick(branches.filter((b) => b !== run.branch));
            event('transferred', now, { status: 'queued', agent: null, branch: to }, agentActor(run.assignee));
            now += between(1, 20) * MINUTE;
            if (!within(now)) return null;
            assign(now);
          }
        }
        now += responseDelay();
        if (!within(now)) return null;
        const r = rand();
        const author: Actor = r < 0.05 ? { type: 'phone' } : r < 0.07 ? { type: 'user', id: 'admin' } : { type: 'agent', id: run.assignee! };
        if (author.type === 'agent' && chance(0.02)) {
          message('outbound', author, now, 'failed');
          now += between(30, 120) * SECOND;
          if (!within(now)) return null;
        }
        message('outbound', author, now);
        if (chance(0.2)) {
          now += between(5, 60) * SECOND;
          if (!within(now)) return null;
          message('outbound', author, now);
        }
        if (k === exchanges - 1) break;
        if (chance(0.1)) {
          now += between(10, 60) * SECOND;
          if (!within(now)) return null;
          event('status_changed', now, { status: 'pending' }, agentActor(run.assignee));
        }
        now += between(1, 30) * MINUTE;
        if (!within(now)) return null;
        customerWrites(now);
        if (chance(0.05) && !handedOff) {
          now += between(1, 5) * SECOND;
          if (!within(now)) return null;
          message('outbound', { type: 'bot' }, now);
        }
      }
      const auto = chance(0.3);
      now += auto ? DAY : between(1, 180) * MINUTE;
      if (!within(now)) return null;
      event('closed', now, { status: 'closed' }, auto ? { type: 'system' } : agentActor(run.assignee));
      return now;
    };

    let closedAt = cycle(t, false);
    let reopens = 0;
    while (closedAt !== null) {
      let last = closedAt;
      if (run.assignee !== null && chance(0.6)) {
        const requestedAt = closedAt + SECOND;
        if (!within(requestedAt)) break;
        const failed = chance(0.03);
        const messageId = message('outbound', { type: 'system' }, requestedAt, failed ? 'failed' : 'sent');
        const request: CsatRequest = {
          id: id('q'),
          ticketId: run.id,
          channelId,
          customerId: run.customerId,
          agentId: run.assignee,
          messageId,
          closedAt: new Date(closedAt),
          requestedAt: new Date(requestedAt),
          expiresAt: new Date(requestedAt + DAY),
          answeredAt: null,
        };
        history.csatRequests.push(request);
        last = requestedAt;
        const answerAt = requestedAt + between(1, 60) * MINUTE;
        if (!failed && chance(0.6) && within(answerAt)) {
          const rating = pick([1, 2, 3, 4, 4, 5, 5, 5] as const);
          const answerMessage = message('inbound', customerActor, answerAt, 'received', rating);
          request.answeredAt = new Date(answerAt);
          history.csatAnswers.push({
            id: id('r'),
            requestId: request.id,
            ticketId: run.id,
            channelId,
            customerId: run.customerId,
            agentId: request.agentId,
            messageId: answerMessage,
            rating,
            at: new Date(answerAt),
          });
          last = answerAt;
        }
      }
      if (reopens > 1 || !chance(0.08)) break;
      const reopenAt = last + between(1, 20) * MINUTE;
      if (!within(reopenAt)) break;
      reopens++;
      closedAt = cycle(reopenAt, true);
    }
    nextFree[customer] = run.status === 'closed' ? run.lastAt : Infinity;
  }

  // Capacity: never below what the history needs at its busiest instant.
  const load = new Map<string, Array<[number, number]>>();
  const holder = new Map<string, string | null>();
  for (const e of [...history.ticketEvents].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const before = holder.get(e.ticketId) ?? null;
    const after = e.toStatus === 'closed' ? null : e.toAgentId;
    if (before === after) continue;
    for (const [agentId, delta] of [
      [before, -1],
      [after, 1],
    ] as const) {
      if (!agentId) continue;
      const list = load.get(agentId) ?? [];
      list.push([e.at.getTime(), delta]);
      load.set(agentId, list);
    }
    holder.set(e.ticketId, after);
  }
  for (const agent of history.agents) {
    const deltas = (load.get(agent.id) ?? []).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let current = 0;
    let peak = 0;
    for (const [, delta] of deltas) peak = Math.max(peak, (current += delta));
    agent.capacity = Math.max(agent.capacity, peak + 1);
  }
  return history;
}

/** The history as calculator input (everything: the calculators ignore what is outside a range). */
export function kpiHistoryFacts(history: KpiHistory): KpiFacts {
  return {
    agents: history.agents.map(({ id, branch, capacity, status, createdAt }) => ({ id, branch, capacity, status, createdAt })),
    tickets: history.tickets.map(({ id, channelId, customerId, openedAt }) => ({ id, channelId, customerId, openedAt })),
    messages: history.messages,
    ticketEvents: history.ticketEvents,
    agentStatusChanges: history.agentStatusChanges,
    csatRequests: history.csatRequests,
    csatAnswers: history.csatAnswers,
  };
}

type Op = { at: number; order: number; run: () => Promise<void> };

export interface LoadKpiHistoryOptions {
  /** Instants to stop at: `atCheckpoint` runs once everything before each has been written. */
  checkpoints?: Date[];
  atCheckpoint?: (at: Date) => Promise<void>;
}

/**
 * Replay a generated history into a store through its ordinary methods, in time order:
 * `createAgent`, `setAgentStatus`, `ingestInbound`, `ingestEcho`, `assignTicket`,
 * `queueTicket`, `changeTicketStatus`, `setTicketHandoff`, `insertOutboundMessage` + `recordSendResult`,
 * `createCsatRequest`, `recordCsatAnswer`. Throws if the store does not do what the history
 * says (e.g. a customer message that should reopen a ticket opens a new one).
 */
export async function loadKpiHistory(
  store: Store,
  history: KpiHistory,
  options: LoadKpiHistoryOptions = {},
): Promise<{ ticketIds: Map<string, string>; customerIds: Map<string, string> }> {
  const ticketIds = new Map<string, string>();
  const customerIds = new Map<string, string>();
  const customers = new Map(history.customers.map((c) => [c.id, c]));
  const tickets = new Map(history.tickets.map((t) => [t.id, t]));
  const requestsByMessage = new Map(history.csatRequests.map((r) => [r.messageId, r]));
  const ops: Op[] = [];
  let order = 0;
  const add = (at: Date, run: () => Promise<void>): void => {
    ops.push({ at: at.getTime(), order: order++, run });
  };
  const storeTicket = (generated: string): string => {
    const found = ticketIds.get(generated);
    if (!found) throw new Error(`loadKpiHistory: ticket ${generated} was not opened`);
    return found;
  };
  const fail = (what: string, detail: unknown): never => {
    throw new Error(`loadKpiHistory: ${what}: ${JSON.stringify(detail)}`);
  };

  for (const agent of history.agents) {
    const created = history.agentStatusChanges.find((c) => c.agentId === agent.id && c.previous === null)!;
    add(created.at, async () => {
      await store.createAgent({ id: agent.id, name: agent.name, capacity: agent.capacity, status: created.status, branch: agent.branch, skills: [], at: created.at });
    });
  }
  for (const change of history.agentStatusChanges) {
    if (change.previous === null) continue;
    add(change.at, async () => {
      await store.setAgentStatus({ agentId: change.agentId, status: change.status, at: change.at });
    });
  }

  // Events and messages of one ticket at the same millisecond never happen: times are strictly increasing per ticket.
  const openings = new Map<string, TicketEvent>();
  for (const event of history.ticketEvents) {
    if (event.type === 'opened' || event.type === 'reopened') {
      openings.set(`${event.ticketId}@${event.at.getTime()}`, event);
      continue;
    }
    if (event.type === 'status_changed' && event.toStatus === 'open') continue; // written by ingestInbound
    add(event.at, async () => {
      const ticketId = storeTicket(event.ticketId);
      const base = { ticketId, actor: event.actor, reason: null, at: event.at };
      if ((event.type === 'assigned' || event.type === 'transferred') && event.toAgentId) {
        const result = await store.assignTicket({ ...base, agentId: event.toAgentId, kind: event.type, requireOnline: false });
        if (!result.ok) fail(`assignTicket ${event.type}`, result.reason);
      } else if (event.type === 'transferred' || event.type === 'queued') {
        const result = await store.queueTicket({ ...base, kind: event.type, branch: event.toBranch });
        if (!result.ok) fail('queueTicket', result.reason);
      } else if (event.type === 'handoff') {
        const result = await store.setTicketHandoff({ ticketId, actor: event.actor, at: event.at });
        if (!result?.changed) fail('setTicketHandoff', result);
      } else if (event.type === 'status_changed' || event.type === 'closed') {
        const result = await store.changeTicketStatus({ ...base, to: event.toStatus as 'pending' | 'closed' });
        if (!result.ok) fail(`changeTicketStatus ${event.toStatus}`, result.reason);
      }
    });
  }

  for (const message of history.messages) {
    const ticket = tickets.get(message.ticketId ?? '')!;
    const customer = customers.get(message.customerId)!;
    const sender = { identity: customer.phone, phone: customer.phone, name: customer.name, address: customer.phone.slice(1) };
    const content = { type: 'text' as const, text: message.text };
    if (message.direction === 'inbound') {
      const opening = openings.get(`${message.ticketId}@${message.at.getTime()}`);
      add(message.at, async () => {
        if (message.rating !== undefined) {
          const result = await store.recordCsatAnswer({
            channelId: message.channelId,
            providerMessageId: message.providerMessageId!,
            sender,
            content,
            rating: message.rating,
            providerTimestamp: message.at,
            replyToProviderMessageId: null,
            at: message.at,
          });
          if (result.outcome !== 'recorded') fail('recordCsatAnswer', result.outcome);
          return;
        }
        const result = await store.ingestInbound({
          channelId: message.channelId,
          providerMessageId: message.providerMessageId!,
          sender,
          content,
          providerTimestamp: message.at,
          replyToProviderMessageId: null,
          at: message.at,
          reopenWindowMs: opening?.type === 'reopened' ? 365 * DAY : 0,
          newTicket: { branch: ticket.branch, skills: [] },
        });
        if (result.duplicate) return fail('ingestInbound', 'duplicate');
        const expected = opening?.type === 'opened' ? 'created' : opening?.type === 'reopened' ? 'reopened' : 'existing';
        if (result.ticketOutcome !== expected) fail(`ingestInbound ${message.id}`, { expected, got: result.ticketOutcome });
        customerIds.set(message.customerId, result.customer.id);
        if (expected === 'created') ticketIds.set(ticket.id, result.ticket.id);
        else if (result.ticket.id !== storeTicket(ticket.id)) fail('ingestInbound ticket', message.id);
      });
      continue;
    }
    const request = requestsByMessage.get(message.id);
    add(message.at, async () => {
      let stored: string;
      if (request) {
        const result = await store.createCsatRequest({
          ticketId: storeTicket(request.ticketId),
          closedAt: request.closedAt,
          agentId: request.agentId,
          content,
          at: request.requestedAt,
          expiresAt: request.expiresAt,
        });
        if (!result.created) return fail('createCsatRequest', result.reason);
        stored = result.message.id;
      } else if (message.author.type === 'phone') {
        await store.ingestEcho({
          channelId: message.channelId,
          providerMessageId: message.providerMessageId!,
          recipient: { identity: customer.phone, phone: customer.phone, name: null, address: customer.phone.slice(1) },
          content,
          providerTimestamp: message.at,
          at: message.at,
        });
        return;
      } else {
        const inserted = await store.insertOutboundMessage({
          channelId: message.channelId,
          ticketId: storeTicket(ticket.id),
          customerId: customerIds.get(message.customerId)!,
          author: message.author,
          content,
          replyToProviderMessageId: null,
          requireOpenTicket: true,
          at: message.at,
        });
        stored = inserted.id;
      }
      if (message.status === 'failed') {
        await store.recordSendResult({ messageId: stored, status: 'failed', error: { code: 'undeliverable', message: 'generated failure' }, at: message.at });
      } else {
        await store.recordSendResult({ messageId: stored, status: 'sent', providerMessageId: `wamid.out.${history.seed}.${message.id}`, at: message.at });
      }
    });
  }

  ops.sort((a, b) => a.at - b.at || a.order - b.order);
  const checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => a.getTime() - b.getTime());
  let next = 0;
  const passCheckpoints = async (until: number): Promise<void> => {
    while (next < checkpoints.length && checkpoints[next]!.getTime() <= until) await options.atCheckpoint?.(checkpoints[next++]!);
  };
  for (const op of ops) {
    await passCheckpoints(op.at);
    await op.run();
  }
  await passCheckpoints(Infinity);
  return { ticketIds, customerIds };
}
