/**
 * The KPI calculators' engine: replays each ticket's log in time order (one stable sort per
 * ticket, one pass) and emits samples — counts, durations, distinct handled tickets, open-at-end
 * snapshots, agent time — plus the delay events and SLA breaches of the range. Pure: the result
 * depends only on the facts and the options. docs/kpis.md defines every rule applied here.
 */
import type { Actor, TicketEvent, TicketStatus } from '../domain/model.js';
import { compileCalendar, type CompiledCalendar } from '../hours/business-time.js';
import { zoneOffsets, type ZoneOffsets } from '../hours/time-zone.js';
import type { AgentStatusChange, CsatAnswer, CsatRequest, KpiAgent, KpiFacts, KpiMessage, KpiTicket } from './kpi-facts.js';
import type { ResolvedKpiOptions } from './kpi-options.js';
import { COUNTER, DURATION, HANDLED, KpiSamples, OPEN_AT_END } from './kpi-samples.js';

/** A customer who waited longer than the threshold without a human reply. */
export interface DelayEvent {
  ticketId: string;
  channelId: string;
  customerId: string;
  /** The agent holding the ticket when the threshold passed (null: queued). */
  agentId: string | null;
  branch: string | null;
  /** When the wait started (customer message, or the bot reply a human took over from). */
  start: Date;
  /** When the wait passed the threshold (in open time with business hours). */
  thresholdAt: Date;
  /** When it ended; null when the customer was still waiting at the end of the range. */
  end: Date | null;
  endedBy: 'reply' | 'close' | null;
  /** How long the wait lasted (to the end of the range when still going), measured like the other durations. */
  durationMs: number;
}

export type SlaTarget = 'first_response' | 'next_response' | 'resolution';

/** A service-level target that passed unmet. */
export interface SlaBreach {
  target: SlaTarget;
  ticketId: string;
  channelId: string;
  customerId: string;
  /** The agent holding the ticket at the due time (null: queued). */
  agentId: string | null;
  branch: string | null;
  start: Date;
  dueAt: Date;
  /** The reply or close that finally came, or null if none before the end of the range. */
  end: Date | null;
}

export interface KpiIncidents {
  delays: DelayEvent[];
  slaBreaches: SlaBreach[];
}

export interface KpiReplay {
  samples: KpiSamples;
  incidents: KpiIncidents;
  zone: ZoneOffsets;
}

const HUMAN = new Set<Actor['type']>(['agent', 'phone', 'user']);
const SENT_BY: Partial<Record<Actor['type'], number>> = {
  agent: COUNTER.sentAgent,
  phone: COUNTER.sentPhone,
  user: COUNTER.sentUser,
  bot: COUNTER.sentBot,
  system: COUNTER.sentSystem,
};

interface TicketGroup {
  ticket: KpiTicket;
  events: number[];
  messages: number[];
  requests: number[];
}

type Holder = (instant: number) => { agent: string | null; branch: string | null };

/** The replay state of one ticket. */
interface TicketState {
  status: TicketStatus | null;
  assignee: string | null;
  branch: string | null;
  /** When the current cycle (opening or reopening → close) started. */
  cycleStart: number;
  /** A wait of this cycle already ended with a human reply (later ones are "next" replies). */
  responded: boolean;
  /** The customer has been waiting since (NaN: not waiting). */
  waitStart: number;
  /** A bot replied last while the customer waited: the wait resumes from here if a human answers next. */
  suspendedAt: number;
  /** The cycle was handed to humans (`handoff` event): bot replies no longer suspend waits. */
  handedOff: boolean;
  /** Start of the current non-closed stretch with the same holder and branch. */
  intervalStart: number;
}

interface TicketContext {
  ticket: KpiTicket;
  state: TicketState;
  holderAt: Holder;
  endWait: (start: number, end: number, replier: Actor | null) => void;
  /** End the current non-closed stretch, which had this holder and branch. */
  closeInterval: (at: number, assignee: string | null, branch: string | null) => void;
}

/**
 * Replay the facts for `[from, to)`.
 * @param query the range and resolved options (see `resolveKpiOptions`).
 */
export function replayKpis(facts: KpiFacts, query: { from: Date; to: Date } & ResolvedKpiOptions): KpiReplay {
  return new Replay(facts, query).run();
}

class Replay {
  readonly #facts: KpiFacts;
  readonly #from: number;
  readonly #to: number;
  readonly #zone: ZoneOffsets;
  readonly #hours: CompiledCalendar | null;
  readonly #slaHours: CompiledCalendar | null;
  readonly #options: ResolvedKpiOptions;
  readonly #agents = new Map<string, KpiAgent>();
  readonly #samples: KpiSamples;
  readonly #incidents: KpiIncidents = { delays: [], slaBreaches: [] };
  readonly #dayStarts = new Map<number, number>();
  /** agent → flattened [start, end) intervals during which they held a non-closed ticket (one per ticket stretch). */
  readonly #load = new Map<string, number[]>();
  readonly #evAt: Float64Array;
  readonly #msgAt: Float64Array;
  readonly #failed = new Set<string>();
  readonly #answers = new Map<string, CsatAnswer>();
  readonly #statusLog = new Map<string, AgentStatusChange[]>();

  constructor(facts: KpiFacts, query: { from: Date; to: Date } & ResolvedKpiOptions) {
    this.#facts = facts;
    this.#from = query.from.getTime();
    this.#to = query.to.getTime();
    this.#options = query;
    this.#zone = zoneOffsets(query.timeZone);
    this.#samples = new KpiSamples(this.#zone);
    this.#hours = query.businessHours ? compileCalendar(query.businessHours) : null;
    this.#slaHours = query.sla?.businessHours ? compileCalendar(query.sla.businessHours) : null;
    for (const agent of facts.agents) this.#agents.set(agent.id, agent);
    this.#evAt = Float64Array.from(facts.ticketEvents, (e) => e.at.getTime());
    this.#msgAt = Float64Array.from(facts.messages, (m) => m.at.getTime());
    for (const m of facts.messages) if (m.status === 'failed') this.#failed.add(m.id);
    for (const a of facts.csatAnswers) this.#answers.set(a.requestId, a);
    for (const change of facts.agentStatusChanges) {
      const log = this.#statusLog.get(change.agentId) ?? [];
      log.push(change);
      this.#statusLog.set(change.agentId, log);
    }
  }

  run(): KpiReplay {
    const groups = new Map<string, TicketGroup>();
    for (const ticket of this.#facts.tickets) groups.set(ticket.id, { ticket, events: [], messages: [], requests: [] });
    this.#facts.ticketEvents.forEach((e, i) => groups.get(e.ticketId)?.events.push(i));
    this.#facts.messages.forEach((m, i) => {
      const group = m.ticketId === null ? undefined : groups.get(m.ticketId);
      if (group) group.messages.push(i);
      else this.#countMessage(m, this.#msgAt[i]!, null, null);
    });
    this.#facts.csatRequests.forEach((r, i) => groups.get(r.ticketId)?.requests.push(i));

    let index = 0;
    for (const group of groups.values()) this.#replayTicket(group, index++);
    for (const agent of this.#facts.agents) this.#agentTime(agent);
    const byTime = <T extends { start: Date }>(a: T, b: T): number => a.start.getTime() - b.start.getTime() || 0;
    this.#incidents.delays.sort(byTime);
    this.#incidents.slaBreaches.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || byTime(a, b));
    return { samples: this.#samples, incidents: this.#incidents, zone: this.#zone };
  }

  // ------------------------------------------------------------------ one ticket

  #replayTicket(group: TicketGroup, ticketIndex: number): void {
    const { ticket } = group;
    const events = this.#facts.ticketEvents;
    const messages = this.#facts.messages;
    const requests = this.#facts.csatRequests;
    const evAt = this.#evAt;
    const msgAt = this.#msgAt;
    // Stable sorts: the store's order is kept among records of one kind in the same millisecond.
    group.events.sort((a, b) => evAt[a]! - evAt[b]!);
    group.messages.sort((a, b) => msgAt[a]! - msgAt[b]!);
    group.requests.sort((a, b) => requests[a]!.requestedAt.getTime() - requests[b]!.requestedAt.getTime());

    const from = this.#from;
    const to = this.#to;
    const channel = ticket.channelId;
    const state: TicketState = {
      status: null,
      assignee: null,
      branch: null,
      cycleStart: Number.NaN,
      responded: false,
      waitStart: Number.NaN,
      suspendedAt: Number.NaN,
      handedOff: false,
      intervalStart: Number.NaN,
    };
    /** (at, assignee, ticket branch) after each change, for "who held it at instant X". */
    const timeline: Array<{ at: number; assignee: string | null; branch: string | null }> = [];
    const holderAt: Holder = (instant) => {
      let lo = 0;
      let hi = timeline.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (timeline[mid]!.at <= instant) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const entry = found < 0 ? { assignee: null, branch: null } : timeline[found]!;
      return { agent: entry.assignee, branch: this.#branchOf(entry.assignee, entry.branch) };
    };
    const closeInterval = (at: number, assignee: string | null, branch: string | null): void => {
      if (!Number.isNaN(state.intervalStart)) this.#openInterval(state.intervalStart, at, assignee, branch, channel);
      state.intervalStart = Number.NaN;
    };

    /** A wait ended by a human reply (`replier` set) or a close, or still going (`end` NaN). */
    const endWait = (start: number, end: number, replier: Actor | null): void => {
      const first = !state.responded;
      const ongoing = Number.isNaN(end);
      const until = ongoing ? to : end;
      if (replier) {
        state.responded = true;
        if (end >= from && end < to) {
          const agent = replier.type === 'agent' ? (replier.id ?? null) : null;
          this.#samples.push(first ? DURATION.firstResponse : DURATION.reply, end, this.#measure(start, end), agent, this.#branchOf(agent, state.branch), channel);
        }
      }
      this.#delay(ticket, start, until, ongoing ? null : replier ? 'reply' : 'close', holderAt);
      const target = first ? this.#options.sla?.firstResponseMs : this.#options.sla?.nextResponseMs;
      if (target) {
        const agent = replier?.type === 'agent' ? (replier.id ?? null) : null;
        this.#sla(ticket, first ? 'first_response' : 'next_response', target, start, until, ongoing ? null : replier ? 'met-if-in-time' : 'closed', agent, state.branch, holderAt);
      }
    };

    const ctx: TicketContext = { ticket, state, holderAt, endWait, closeInterval };
    let ie = 0;
    let im = 0;
    let ir = 0;
    const ne = group.events.length;
    const nm = group.messages.length;
    const nr = group.requests.length;
    for (;;) {
      const e = ie < ne ? group.events[ie]! : -1;
      const m = im < nm ? group.messages[im]! : -1;
      const r = ir < nr ? group.requests[ir]! : -1;
      const tE = e < 0 ? Infinity : evAt[e]!;
      const tM = m < 0 ? Infinity : msgAt[m]!;
      const tR = r < 0 ? Infinity : requests[r]!.requestedAt.getTime();
      const next = Math.min(tE, tM, tR);
      if (next >= to) break;
      // Same millisecond: events before messages, except a reply before the close it preceded;
      // CSAT requests (which follow a close) last.
      let pick: 'e' | 'm' | 'r';
      if (tE === next && tM === next) pick = messages[m]!.direction === 'outbound' && events[e]!.type === 'closed' ? 'm' : 'e';
      else pick = tE === next ? 'e' : tM === next ? 'm' : 'r';

      if (pick === 'e') {
        ie++;
        this.#applyEvent(events[e]!, next, ctx);
        timeline.push({ at: next, assignee: state.assignee, branch: state.branch });
        continue;
      }
      if (pick === 'r') {
        ir++;
        this.#csat(requests[r]!, next, state.branch);
        continue;
      }
      im++;
      const message = messages[m]!;
      const open = state.status !== null && state.status !== 'closed';
      if (message.direction === 'inbound') {
        this.#countMessage(message, next, state.assignee, state.branch);
        if (open && Number.isNaN(state.waitStart)) {
          state.waitStart = next;
          state.suspendedAt = Number.NaN;
        }
        continue;
      }
      if (message.status === 'failed') continue;
      this.#countMessage(message, next, state.assignee, state.branch);
      if (!open) continue;
      if (HUMAN.has(message.author.type)) {
        const agent = message.author.type === 'agent' ? (message.author.id ?? null) : null;
        if (next >= from) this.#samples.push(HANDLED, next, ticketIndex, agent, this.#branchOf(agent, state.branch), channel);
        const start = Number.isNaN(state.waitStart) ? state.suspendedAt : state.waitStart;
        if (!Number.isNaN(start)) endWait(start, next, message.author);
        state.waitStart = Number.NaN;
        state.suspendedAt = Number.NaN;
      } else if (message.author.type === 'bot' && !state.handedOff) {
        if (!Number.isNaN(state.waitStart) || !Number.isNaN(state.suspendedAt)) {
          state.suspendedAt = next;
          state.waitStart = Number.NaN;
        }
      }
    }

    // The end of the range: a wait or a cycle still going.
    if (state.status !== null && state.status !== 'closed') {
      if (!Number.isNaN(state.waitStart)) endWait(state.waitStart, Number.NaN, null);
      const target = this.#options.sla?.resolutionMs;
      if (target && !Number.isNaN(state.cycleStart)) this.#sla(ticket, 'resolution', target, state.cycleStart, to, null, null, state.branch, holderAt);
    }
    closeInterval(Infinity, state.assignee, state.branch);
  }

  #applyEvent(event: TicketEvent, at: number, ctx: TicketContext): void {
    const { state, ticket } = ctx;
    const channel = ticket.channelId;
    const inRange = at >= this.#from && at < this.#to;
    const count = (counter: number, agent: string | null, ticketBranch: string | null): void => {
      if (inRange) this.#samples.push(counter, at, 1, agent, this.#branchOf(agent, ticketBranch), channel);
    };
    switch (event.type) {
      case 'opened':
      case 'reopened':
        count(event.type === 'opened' ? COUNTER.opened : COUNTER.reopened, event.toAgentId, event.toBranch);
        state.cycleStart = at;
        state.responded = false;
        state.waitStart = Number.NaN;
        state.suspendedAt = Number.NaN;
        state.handedOff = false;
        break;
      case 'handoff':
        // The customer asked for a human: they wait for one from now, unless already waiting.
        count(COUNTER.handoffs, null, event.toBranch);
        if (state.status !== 'closed' && Number.isNaN(state.waitStart)) state.waitStart = at;
        state.suspendedAt = Number.NaN;
        state.handedOff = true;
        break;
      case 'assigned':
        count(COUNTER.assigned, event.toAgentId, event.toBranch);
        break;
      case 'transferred':
        count(COUNTER.transferredOut, event.fromAgentId, event.fromBranch);
        count(COUNTER.transferredIn, event.toAgentId, event.toBranch);
        break;
      case 'closed': {
        if (state.status === 'closed') break;
        if (!Number.isNaN(state.waitStart)) ctx.endWait(state.waitStart, at, null);
        state.waitStart = Number.NaN;
        state.suspendedAt = Number.NaN;
        state.handedOff = false;
        const closer = event.fromAgentId;
        count(COUNTER.closed, closer, event.fromBranch);
        if (!Number.isNaN(state.cycleStart)) {
          if (inRange) this.#samples.push(DURATION.resolution, at, this.#measure(state.cycleStart, at), closer, this.#branchOf(closer, event.fromBranch), channel);
          const target = this.#options.sla?.resolutionMs;
          if (target) this.#sla(ticket, 'resolution', target, state.cycleStart, at, 'met-if-in-time', closer, event.fromBranch, ctx.holderAt);
        }
        state.cycleStart = Number.NaN;
        break;
      }
      default:
        break;
    }
    const wasOpen = state.status !== null && state.status !== 'closed';
    const previous = { assignee: state.assignee, branch: state.branch };
    state.status = event.toStatus;
    state.assignee = event.toStatus === 'closed' ? state.assignee : event.toAgentId;
    state.branch = event.toBranch;
    const isOpen = state.status !== 'closed';
    if (wasOpen && (!isOpen || previous.assignee !== state.assignee || previous.branch !== state.branch)) ctx.closeInterval(at, previous.assignee, previous.branch);
    if (isOpen && Number.isNaN(state.intervalStart)) state.intervalStart = at;
  }

  // ------------------------------------------------------------------ samples

  #countMessage(message: KpiMessage, at: number, assignee: string | null, ticketBranch: string | null): void {
    if (at < this.#from || at >= this.#to) return;
    if (message.direction === 'inbound') {
      this.#samples.push(COUNTER.received, at, 1, assignee, this.#branchOf(assignee, ticketBranch), message.channelId);
      return;
    }
    if (message.status === 'failed') return;
    const agent = message.author.type === 'agent' ? (message.author.id ?? null) : null;
    const branch = this.#branchOf(agent, ticketBranch);
    this.#samples.push(SENT_BY[message.author.type] ?? COUNTER.sent, at, 1, agent, branch, message.channelId);
  }

  #csat(request: CsatRequest, at: number, ticketBranch: string | null): void {
    if (at < this.#from || this.#failed.has(request.messageId)) return;
    const agent = request.agentId;
    const branch = this.#branchOf(agent, ticketBranch);
    this.#samples.push(COUNTER.csatRequests, at, 1, agent, branch, request.channelId);
    const answer = this.#answers.get(request.id);
    if (!answer || answer.at.getTime() >= this.#to) return;
    this.#samples.push(COUNTER.csatAnswers, at, 1, agent, branch, request.channelId);
    this.#samples.push(COUNTER.csatRatingSum, at, answer.rating, agent, branch, request.channelId);
    this.#samples.push(COUNTER.csat1 + answer.rating - 1, at, 1, agent, branch, request.channelId);
  }

  /** Record a delay event when a wait `[start, end)` lasted longer than the threshold. */
  #delay(
    ticket: KpiTicket,
    start: number,
    end: number,
    endedBy: 'reply' | 'close' | null,
    holderAt: Holder,
  ): void {
    const threshold = this.#options.delayThresholdMs;
    const duration = this.#measure(start, end);
    if (!(duration > threshold)) return;
    const thresholdAt = this.#hours ? this.#hours.addBusinessMs(start, threshold) : start + threshold;
    if (thresholdAt === null || thresholdAt < this.#from || thresholdAt >= this.#to) return;
    const holder = holderAt(thresholdAt);
    this.#samples.push(DURATION.delays, thresholdAt, duration, holder.agent, holder.branch, ticket.channelId);
    this.#incidents.delays.push({
      ticketId: ticket.id,
      channelId: ticket.channelId,
      customerId: ticket.customerId,
      agentId: holder.agent,
      branch: holder.branch,
      start: new Date(start),
      thresholdAt: new Date(thresholdAt),
      end: endedBy === null ? null : new Date(end),
      endedBy,
      durationMs: duration,
    });
  }

  /**
   * One SLA obligation `[start, end)`: `met-if-in-time` (a reply or close came at `end`),
   * `closed` (the wait ended without a reply), or null (still going at the end of the range).
   * Met counts at `end`, for `creditAgent`; a breach counts at the due time, for its holder.
   */
  #sla(
    ticket: KpiTicket,
    target: SlaTarget,
    targetMs: number,
    start: number,
    end: number,
    outcome: 'met-if-in-time' | 'closed' | null,
    creditAgent: string | null,
    ticketBranch: string | null,
    holderAt: Holder,
  ): void {
    const hours = this.#slaHours;
    const elapsed = hours ? hours.businessMs(start, end) : end - start;
    const counters =
      target === 'first_response'
        ? [COUNTER.slaFirstMet, COUNTER.slaFirstBreached]
        : target === 'next_response'
          ? [COUNTER.slaNextMet, COUNTER.slaNextBreached]
          : [COUNTER.slaResolutionMet, COUNTER.slaResolutionBreached];
    if (elapsed <= targetMs) {
      if (outcome === 'met-if-in-time' && end >= this.#from && end < this.#to) {
        this.#samples.push(counters[0]!, end, 1, creditAgent, this.#branchOf(creditAgent, ticketBranch), ticket.channelId);
      }
      return;
    }
    const due = hours ? hours.addBusinessMs(start, targetMs) : start + targetMs;
    if (due === null || due < this.#from || due >= this.#to) return;
    const holder = holderAt(due);
    this.#samples.push(counters[1]!, due, 1, holder.agent, holder.branch, ticket.channelId);
    this.#incidents.slaBreaches.push({
      target,
      ticketId: ticket.id,
      channelId: ticket.channelId,
      customerId: ticket.customerId,
      agentId: holder.agent,
      branch: holder.branch,
      start: new Date(start),
      dueAt: new Date(due),
      end: outcome === null ? null : new Date(end),
    });
  }

  /** A stretch `[start, end)` during which the ticket was non-closed with one holder and branch. */
  #openInterval(start: number, end: number, assignee: string | null, ticketBranch: string | null, channel: string): void {
    const from = this.#from;
    const to = this.#to;
    if (start >= to || end <= from) return;
    const branch = this.#branchOf(assignee, ticketBranch);
    // Snapshot at every local day end E (clipped to the range) with start < E <= end.
    let day = this.#zone.dayOf(Math.max(start, from));
    for (;;) {
      const dayEnd = Math.min(this.#dayStart(day + 1), to);
      if (dayEnd > end) break;
      if (dayEnd > start) this.#samples.push(OPEN_AT_END, dayEnd - 1, 1, assignee, branch, channel);
      if (dayEnd >= to) break;
      day++;
    }
    if (assignee !== null) {
      const list = this.#load.get(assignee) ?? [];
      list.push(Math.max(start, from), Math.min(end, to));
      this.#load.set(assignee, list);
    }
  }

  // ------------------------------------------------------------------ agent time

  #agentTime(agent: KpiAgent): void {
    const from = this.#from;
    const to = this.#to;
    const changes = this.#statusLog.get(agent.id) ?? [];
    changes.sort((a, b) => a.at.getTime() - b.at.getTime());
    let status = changes.length > 0 ? (changes[0]!.previous ?? 'offline') : agent.status;
    let since = Math.max(from, agent.createdAt.getTime());
    const online: number[] = [];
    for (const change of changes) {
      const at = change.at.getTime();
      if (at >= to) break;
      if (at > since) {
        if (status === 'online') online.push(since, at);
        since = at;
      }
      status = change.status;
    }
    if (status === 'online' && since < to) online.push(since, to);
    if (online.length === 0) return;

    const branch = agent.branch;
    for (let i = 0; i < online.length; i += 2) {
      this.#byDay(online[i]!, online[i + 1]!, (at, ms) => {
        this.#samples.push(COUNTER.onlineMs, at, ms, agent.id, branch, null);
        this.#samples.push(COUNTER.capacityMs, at, ms * agent.capacity, agent.id, branch, null);
      });
    }
    const load = this.#load.get(agent.id);
    if (!load) return;
    for (let i = 0; i < load.length; i += 2) {
      const start = load[i]!;
      const end = load[i + 1]!;
      // First online interval ending after `start` (online intervals are sorted and disjoint).
      let lo = 0;
      let hi = online.length / 2;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (online[mid * 2 + 1]! <= start) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo * 2; k < online.length && online[k]! < end; k += 2) {
        const a = Math.max(start, online[k]!);
        const b = Math.min(end, online[k + 1]!);
        if (b > a) this.#byDay(a, b, (at, ms) => this.#samples.push(COUNTER.loadMs, at, ms, agent.id, branch, null));
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The branch a sample counts for: the credited agent's branch, else the ticket's. */
  #branchOf(agentId: string | null, ticketBranch: string | null): string | null {
    if (agentId !== null) {
      const agent = this.#agents.get(agentId);
      if (agent) return agent.branch;
    }
    return ticketBranch;
  }

  /** A duration in wall-clock or business milliseconds. */
  #measure(start: number, end: number): number {
    return this.#hours ? this.#hours.businessMs(start, end) : end - start;
  }

  #dayStart(day: number): number {
    let start = this.#dayStarts.get(day);
    if (start === undefined) {
      start = this.#zone.dayStart(day);
      this.#dayStarts.set(day, start);
    }
    return start;
  }

  /** Split `[start, end)` at local midnights. */
  #byDay(start: number, end: number, emit: (at: number, ms: number) => void): void {
    let day = this.#zone.dayOf(start);
    let at = start;
    while (at < end) {
      const next = Math.min(end, this.#dayStart(day + 1));
      if (next > at) emit(at, next - at);
      at = next;
      day++;
    }
  }
}
