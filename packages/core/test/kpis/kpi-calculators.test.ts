import { describe, expect, it } from 'vitest';
import {
  emptyMetrics,
  parseBusinessCalendar,
  resolveKpiOptions,
  rollupKpis,
  replayKpis,
  type KpiDuration,
  type KpiFacts,
  type KpiMetrics,
  type KpiOptions,
  type KpiRollupRow,
} from '../../src/index.js';
import { History } from './history.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Expected duration stats, written out: values in minutes, p50/p90 nearest-rank picked by hand. */
const dur = (count: number, sumMin: number, p50Min: number, p90Min: number, maxMin: number): KpiDuration => ({
  count,
  sumMs: sumMin * MIN,
  avgMs: (sumMin * MIN) / count,
  p50Ms: p50Min * MIN,
  p90Ms: p90Min * MIN,
  maxMs: maxMin * MIN,
});
const none: KpiDuration = { count: 0, sumMs: 0, avgMs: null, p50Ms: null, p90Ms: null, maxMs: null };

function rows(facts: KpiFacts, from: string, to: string, by: 'all' | 'agent' | 'branch' | 'channel', period: 'range' | 'day' | 'month', options: KpiOptions = {}): KpiRollupRow[] {
  return rollupKpis(facts, { from: new Date(from), to: new Date(to), by, period, ...resolveKpiOptions(options) });
}
const byKey = (list: KpiRollupRow[]): Map<string | null, KpiMetrics> => new Map(list.map((r) => [r.key, r.metrics]));
const amira = (list: KpiRollupRow[]): KpiRollupRow => list.find((r) => r.key === 'amira')!;

/**
 * One Monday (UTC), minute by minute. amira (giza, capacity 2) online 08:00–17:00, omar (alex,
 * capacity 2) online 08:30–17:30. Delay threshold 15 min. SLA: first response 10 min, next
 * response 15 min, resolution 60 min.
 */
function monday(): History {
  const h = new History('2026-03-02');
  h.agent('amira', { branch: 'giza' }).agent('omar', { branch: 'alex' });
  h.status('amira', 'online', '08:00').status('omar', 'online', '08:30').status('amira', 'offline', '17:00').status('omar', 'offline', '17:30');
  // t1: transfer mid-ticket; amira answers first, omar answers the second wait.
  h.open('t1', '09:00').assign('t1', 'amira', '09:00').reply('t1', 'amira', '09:04');
  h.customer('t1', '09:10').customer('t1', '09:12').transfer('t1', 'omar', '09:20').reply('t1', 'omar', '09:30').reply('t1', 'omar', '09:31');
  h.close('t1', '09:40', { type: 'agent', id: 'omar' }).csat('t1', '09:40:01', 'omar', { answer: { time: '09:45', rating: 4 } });
  // t2: a bot talks before the handoff; the first human reply counts from the bot's last reply.
  h.open('t2', '10:00').bot('t2', '10:00:30').customer('t2', '10:02').bot('t2', '10:02:30').assign('t2', 'amira', '10:05').reply('t2', 'amira', '10:09');
  h.close('t2', '10:45', { type: 'agent', id: 'amira' }).csat('t2', '10:45:01', 'amira', { failed: true });
  // t3: the bot answers and the ticket auto-closes: no human response, no wait.
  h.open('t3', '11:00').bot('t3', '11:00:20').close('t3', '11:30');
  // t4: the customer writes again after the bot and nobody answers: still waiting (and open) at midnight.
  h.open('t4', '12:00').bot('t4', '12:00:10').customer('t4', '12:01');
  // t5: closed, reopened by the customer, answered again by someone else.
  h.open('t5', '13:00').assign('t5', 'amira', '13:00').reply('t5', 'amira', '13:05').close('t5', '13:10', { type: 'agent', id: 'amira' });
  h.csat('t5', '13:10:01', 'amira');
  h.reopen('t5', '13:20').assign('t5', 'omar', '13:20').reply('t5', 'omar', '13:26').close('t5', '13:50', { type: 'agent', id: 'omar' });
  h.csat('t5', '13:50:01', 'omar', { answer: { time: '13:55', rating: 5 } });
  // t6: on channel "second", branch giza: the phone app answers first, then amira; still open at midnight.
  h.open('t6', '14:00', { channel: 'second', branch: 'giza' }).phone('t6', '14:03').assign('t6', 'amira', '14:10').customer('t6', '14:20').reply('t6', 'amira', '14:22');
  // A message sent from the phone to a customer without an open ticket.
  h.phone(null, '15:00', 'second');
  return h;
}

const SLA: KpiOptions = { sla: { firstResponseMs: 10 * MIN, nextResponseMs: 15 * MIN, resolutionMs: 60 * MIN } };
const DAY = ['2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'] as const;

describe('KPI calculators on a hand-written day', () => {
  const facts = monday().facts;
  const agents = byKey(rows(facts, ...DAY, 'agent', 'range', SLA));

  it('amira: every metric', () => {
    expect(agents.get('amira')).toEqual<KpiMetrics>({
      messages: { received: 5, sent: 4, sentBy: { agent: 4, phone: 0, user: 0, bot: 0, system: 0 } },
      tickets: { opened: 0, reopened: 0, handoffs: 0, assigned: 4, transferredIn: 0, transferredOut: 1, closed: 2, handled: 4, openAtEnd: 1 },
      // t1 4 min, t5 5 min, t2 6.5 min (from the bot's 10:02:30 reply, not from 10:00).
      firstResponse: dur(3, 15.5, 5, 6.5, 6.5),
      // t6: 14:20 → 14:22.
      reply: dur(1, 2, 2, 2, 2),
      // t5 first cycle 10 min, t2 45 min.
      resolution: dur(2, 55, 10, 45, 45),
      delays: none,
      sla: { firstResponse: { met: 3, breached: 0 }, nextResponse: { met: 1, breached: 0 }, resolution: { met: 2, breached: 1 } },
      // t2's request failed to send and does not count.
      csat: { requests: 1, answers: 0, ratingSum: 0, average: null, distribution: [0, 0, 0, 0, 0], responseRate: 0 },
      // Load while online: t1 20 min + t2 40 min + t5 10 min + t6 14:10–17:00 170 min = 4 h.
      agentTime: { onlineMs: 9 * HOUR, loadMs: 4 * HOUR, capacityMs: 18 * HOUR, utilization: 4 / 18 },
    });
  });

  it('omar: the transfer credits the reply, the delay and the breach to the agent who held it', () => {
    expect(agents.get('omar')).toEqual<KpiMetrics>({
      messages: { received: 3, sent: 3, sentBy: { agent: 3, phone: 0, user: 0, bot: 0, system: 0 } },
      tickets: { opened: 0, reopened: 0, handoffs: 0, assigned: 1, transferredIn: 1, transferredOut: 0, closed: 2, handled: 2, openAtEnd: 0 },
      // t5 second cycle: reopened 13:20 → 13:26.
      firstResponse: dur(1, 6, 6, 6, 6),
      // t1: waiting since 09:10 (not 09:12), answered 09:30 after the 09:20 transfer.
      reply: dur(1, 20, 20, 20, 20),
      // t5 second cycle 30 min (from the reopening), t1 40 min.
      resolution: dur(2, 70, 30, 40, 40),
      // t1's wait passed 15 min at 09:25, when omar held it.
      delays: dur(1, 20, 20, 20, 20),
      sla: { firstResponse: { met: 1, breached: 0 }, nextResponse: { met: 0, breached: 1 }, resolution: { met: 2, breached: 0 } },
      csat: { requests: 2, answers: 2, ratingSum: 9, average: 4.5, distribution: [0, 0, 0, 1, 1], responseRate: 1 },
      agentTime: { onlineMs: 9 * HOUR, loadMs: 50 * MIN, capacityMs: 18 * HOUR, utilization: 50 / (18 * 60) },
    });
  });

  it('work no agent can be credited with: bot-only and phone replies, the queue', () => {
    expect(agents.get(null)).toEqual<KpiMetrics>({
      messages: { received: 6, sent: 9, sentBy: { agent: 0, phone: 2, user: 0, bot: 4, system: 3 } },
      tickets: { opened: 6, reopened: 1, handoffs: 0, assigned: 0, transferredIn: 0, transferredOut: 0, closed: 1, handled: 1, openAtEnd: 1 },
      // t6: the phone app answered after 3 min.
      firstResponse: dur(1, 3, 3, 3, 3),
      reply: none,
      // t3, closed by the system after the bot answered.
      resolution: dur(1, 30, 30, 30, 30),
      // t4: waiting since 12:01, still waiting at midnight (11 h 59 min).
      delays: dur(1, 719, 719, 719, 719),
      sla: { firstResponse: { met: 1, breached: 1 }, nextResponse: { met: 0, breached: 0 }, resolution: { met: 1, breached: 1 } },
      csat: { requests: 0, answers: 0, ratingSum: 0, average: null, distribution: [0, 0, 0, 0, 0], responseRate: null },
      agentTime: { onlineMs: 0, loadMs: 0, capacityMs: 0, utilization: null },
    });
    expect([...agents.keys()]).toEqual([null, 'amira', 'omar']);
  });

  it('the whole desk: totals, distinct tickets and percentiles over everyone', () => {
    const [all] = rows(facts, ...DAY, 'all', 'range', SLA);
    expect(all!.metrics).toEqual<KpiMetrics>({
      messages: { received: 14, sent: 16, sentBy: { agent: 7, phone: 2, user: 0, bot: 4, system: 3 } },
      tickets: { opened: 6, reopened: 1, handoffs: 0, assigned: 5, transferredIn: 1, transferredOut: 1, closed: 5, handled: 4, openAtEnd: 2 },
      // 3, 4, 5, 6, 6.5 min.
      firstResponse: dur(5, 24.5, 5, 6.5, 6.5),
      reply: dur(2, 22, 2, 20, 20),
      // 10, 30, 30, 40, 45 min.
      resolution: dur(5, 155, 30, 45, 45),
      delays: dur(2, 739, 20, 719, 719),
      sla: { firstResponse: { met: 5, breached: 1 }, nextResponse: { met: 1, breached: 1 }, resolution: { met: 5, breached: 2 } },
      csat: { requests: 3, answers: 2, ratingSum: 9, average: 4.5, distribution: [0, 0, 0, 1, 1], responseRate: 2 / 3 },
      agentTime: { onlineMs: 18 * HOUR, loadMs: 290 * MIN, capacityMs: 36 * HOUR, utilization: 290 / (36 * 60) },
    });
  });

  it('teams: the credited agent’s branch, else the ticket’s', () => {
    const branches = byKey(rows(facts, ...DAY, 'branch', 'range', SLA));
    expect([...branches.keys()]).toEqual([null, 'alex', 'giza']);
    const giza = branches.get('giza')!;
    // amira's 3 first responses plus the phone's on t6 (a giza ticket).
    expect(giza.firstResponse).toEqual(dur(4, 18.5, 4, 6.5, 6.5));
    expect(giza.tickets).toEqual({ opened: 1, reopened: 0, handoffs: 0, assigned: 4, transferredIn: 0, transferredOut: 1, closed: 2, handled: 4, openAtEnd: 1 });
    expect(branches.get('alex')!.reply).toEqual(dur(1, 20, 20, 20, 20));
    expect(branches.get(null)!.tickets.opened).toBe(5);
  });

  it('channels: agent time has no channel and is left out', () => {
    const channels = byKey(rows(facts, ...DAY, 'channel', 'range', SLA));
    expect([...channels.keys()]).toEqual(['main', 'second']);
    const second = channels.get('second')!;
    expect(second.messages).toEqual({ received: 2, sent: 3, sentBy: { agent: 1, phone: 2, user: 0, bot: 0, system: 0 } });
    expect(second.firstResponse).toEqual(dur(1, 3, 3, 3, 3));
    expect(second.agentTime.onlineMs).toBe(0);
    expect(channels.get('main')!.tickets.opened).toBe(5);
  });

  it('lists delay events with start, threshold time and end, and SLA breaches with due times', () => {
    const { incidents } = replayKpis(facts, { from: new Date(DAY[0]), to: new Date(DAY[1]), ...resolveKpiOptions(SLA) });
    expect(incidents.delays).toEqual([
      {
        ticketId: 't1',
        channelId: 'main',
        customerId: 'cus-t1',
        agentId: 'omar',
        branch: 'alex',
        start: new Date('2026-03-02T09:10:00Z'),
        thresholdAt: new Date('2026-03-02T09:25:00Z'),
        end: new Date('2026-03-02T09:30:00Z'),
        endedBy: 'reply',
        durationMs: 20 * MIN,
      },
      {
        ticketId: 't4',
        channelId: 'main',
        customerId: 'cus-t4',
        agentId: null,
        branch: null,
        start: new Date('2026-03-02T12:01:00Z'),
        thresholdAt: new Date('2026-03-02T12:16:00Z'),
        end: null,
        endedBy: null,
        durationMs: 719 * MIN,
      },
    ]);
    expect(incidents.slaBreaches.map((b) => [b.target, b.ticketId, b.agentId, b.dueAt.toISOString().slice(11, 16), b.end?.toISOString().slice(11, 16) ?? null])).toEqual([
      ['next_response', 't1', 'omar', '09:25', '09:30'],
      ['first_response', 't4', null, '12:11', null],
      ['resolution', 't4', null, '13:00', null],
      ['resolution', 't6', 'amira', '15:00', null],
    ]);
  });

  it('without an SLA policy nothing is met or breached', () => {
    const plain = byKey(rows(facts, ...DAY, 'agent', 'range')).get('amira')!;
    expect(plain.sla).toEqual(emptyMetrics().sla);
    expect(plain.firstResponse).toEqual(dur(3, 15.5, 5, 6.5, 6.5));
  });

  it('counts only what happened inside the range, replaying earlier history for context', () => {
    // 09:26–13:15: t1's 09:30 reply (waiting since 09:10) is in; its 09:04 first response and the
    // delay that passed its threshold at 09:25 are not.
    const part = byKey(rows(facts, '2026-03-02T09:26:00Z', '2026-03-02T13:15:00Z', 'agent', 'range'));
    expect(part.get('omar')!.reply).toEqual(dur(1, 20, 20, 20, 20));
    expect(part.get('omar')!.delays).toEqual(none);
    expect(part.get('amira')!.firstResponse).toEqual(dur(2, 11.5, 5, 6.5, 6.5));
    expect(part.get('amira')!.messages.received).toBe(1);
    // Online time and load are clipped to the range.
    expect(part.get('amira')!.agentTime.onlineMs).toBe((3 * 60 + 49) * MIN);
    expect(part.get('amira')!.agentTime.loadMs).toBe((40 + 10) * MIN);
  });
});

describe('business hours', () => {
  // Monday–Friday 09:00–17:00 UTC.
  const calendar = parseBusinessCalendar({ timeZone: 'UTC', weekly: Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, [{ start: '09:00', end: '17:00' }]])) });
  const h = new History('2026-03-02');
  h.agent('amira', { branch: 'giza' });
  // One minute before closing, answered the next morning at 09:03, closed 09:10.
  h.open('t1', '16:59').assign('t1', 'amira', '16:59').reply('t1', 'amira', '2026-03-03T09:03:00Z').close('t1', '2026-03-03T09:10:00Z');
  // Exactly at closing time: the closing minute is closed, so only 09:00–09:05 counts.
  h.open('t2', '17:00').assign('t2', 'amira', '17:00').reply('t2', 'amira', '2026-03-03T09:05:00Z');
  // Outside hours entirely: written at 20:00, answered 22:00 the same night.
  h.open('t3', '20:00').assign('t3', 'amira', '20:00').reply('t3', 'amira', '22:00');
  const range = ['2026-03-02T00:00:00Z', '2026-03-04T00:00:00Z'] as const;

  it('counts response and resolution time in open time only, with a message at closing time', () => {
    const business = amira(rows(h.facts, ...range, 'agent', 'range', { businessHours: calendar }));
    expect(business!.metrics.firstResponse).toEqual(dur(3, 0 + 4 + 5, 4, 5, 5));
    expect(business!.metrics.resolution).toEqual(dur(1, 11, 11, 11, 11));
    expect(business!.metrics.delays).toEqual(none);
  });

  it('the wall-clock variant of the same history', () => {
    const wall = amira(rows(h.facts, ...range, 'agent', 'range'));
    expect(wall!.metrics.firstResponse).toEqual(dur(3, 120 + 964 + 965, 964, 965, 965));
    expect(wall!.metrics.resolution).toEqual(dur(1, 971, 971, 971, 971));
    expect(wall!.metrics.delays.count).toBe(3);
  });

  it('business-hours delays start counting at opening time', () => {
    const { incidents } = replayKpis(h.facts, { from: new Date(range[0]), to: new Date(range[1]), ...resolveKpiOptions({ businessHours: calendar, delayThresholdMs: 3 * MIN }) });
    expect(incidents.delays.map((d) => [d.ticketId, d.thresholdAt.toISOString(), d.durationMs / MIN])).toEqual([
      ['t1', '2026-03-03T09:02:00.000Z', 4],
      ['t2', '2026-03-03T09:03:00.000Z', 5],
    ]);
  });

  it('SLA targets in business hours', () => {
    const row = amira(rows(h.facts, ...range, 'agent', 'range', { sla: { firstResponseMs: 4 * MIN, businessHours: calendar } }));
    // t1 took 4 open minutes (met), t2 5 (breached at 09:04), t3 0 (met).
    expect(row!.metrics.sla.firstResponse).toEqual({ met: 2, breached: 1 });
  });
});

describe('DST change day in Africa/Cairo', () => {
  // Friday 2026-04-24: Cairo's clocks jump from 00:00 to 01:00 (UTC+2 → UTC+3); the local day is 23 hours.
  const h = new History('2026-04-23');
  h.agent('amira', { branch: 'giza', capacity: 1 });
  // Online Thursday 20:00 local (18:00Z) to Friday 12:00 local (09:00Z).
  h.status('amira', 'online', '2026-04-23T18:00:00Z').status('amira', 'offline', '2026-04-24T09:00:00Z');
  // Thursday 23:30 local; answered Friday 01:10 local: 40 real minutes, not 1 h 40.
  h.open('t1', '2026-04-23T21:30:00Z').assign('t1', 'amira', '2026-04-23T21:30:00Z').reply('t1', 'amira', '2026-04-23T22:10:00Z');
  h.close('t1', '2026-04-23T22:30:00Z');
  // Friday 23:59 local (20:59Z) and Saturday 00:30 local (21:30Z): different local days.
  h.open('t2', '2026-04-24T20:59:00Z');
  h.open('t3', '2026-04-24T21:30:00Z');
  const options: KpiOptions = { timeZone: 'Africa/Cairo' };
  const range = ['2026-04-22T22:00:00Z', '2026-04-25T21:00:00Z'] as const; // Thursday 00:00 → Sunday 00:00 local

  it('cuts days at local midnight: 24 h, 23 h, 24 h', () => {
    const days = rows(h.facts, ...range, 'all', 'day', options);
    expect(days.map((d) => [d.period, d.start.toISOString(), (d.end.getTime() - d.start.getTime()) / HOUR])).toEqual([
      ['2026-04-23', '2026-04-22T22:00:00.000Z', 24],
      ['2026-04-24', '2026-04-23T22:00:00.000Z', 23],
      ['2026-04-25', '2026-04-24T21:00:00.000Z', 24],
    ]);
    expect(days.map((d) => d.metrics.tickets.opened)).toEqual([1, 1, 1]);
    // t2 is open at the end of Friday; t3 (opened after Friday's last local minute) is not.
    expect(days.map((d) => d.metrics.tickets.openAtEnd)).toEqual([1, 1, 2]);
  });

  it('measures real elapsed time across the jump and credits it to the local day of the reply', () => {
    const days = rows(h.facts, ...range, 'all', 'day', options);
    expect(days[1]!.metrics.firstResponse).toEqual(dur(1, 40, 40, 40, 40));
    expect(days[1]!.metrics.resolution).toEqual(dur(1, 60, 60, 60, 60));
    expect(days[0]!.metrics.firstResponse).toEqual(none);
  });

  it('splits online time and load at local midnight', () => {
    const days = rows(h.facts, ...range, 'agent', 'day', options).filter((r) => r.key === 'amira');
    expect(days.map((d) => d.metrics.agentTime.onlineMs / HOUR)).toEqual([4, 11, 0]);
    // t1 held 21:30Z–22:30Z: 30 min on Thursday (until 22:00Z, local midnight) and 30 min on Friday.
    expect(days.map((d) => d.metrics.agentTime.loadMs / MIN)).toEqual([30, 30, 0]);
  });

  it('business hours on the DST day: a night shift opening at the skipped midnight', () => {
    // Fridays 00:00–09:00 local: on 2026-04-24 it opens at 01:00 local (22:00Z), the moment the clocks jump.
    const night = parseBusinessCalendar({ timeZone: 'Africa/Cairo', weekly: { 5: [{ start: '00:00', end: '09:00' }] } });
    const [row] = rows(h.facts, ...range, 'all', 'range', { ...options, businessHours: night });
    expect(row!.metrics.firstResponse).toEqual(dur(1, 10, 10, 10, 10));
    expect(row!.metrics.resolution).toEqual(dur(1, 30, 30, 30, 30));
  });
});

describe('edge cases', () => {
  it('a failed reply is not a reply: the customer is still waiting', () => {
    const h = new History();
    h.agent('amira');
    h.open('t1', '09:00').assign('t1', 'amira', '09:00').reply('t1', 'amira', '09:02', 'failed').reply('t1', 'amira', '09:07');
    const [row] = rows(h.facts, ...DAY, 'agent', 'range', { delayThresholdMs: 5 * MIN }).filter((r) => r.key === 'amira');
    expect(row!.metrics.firstResponse).toEqual(dur(1, 7, 7, 7, 7));
    expect(row!.metrics.messages.sent).toBe(1);
    expect(row!.metrics.delays.count).toBe(1);
  });

  it('a customer message on a pending ticket starts a wait; consecutive agent messages count once', () => {
    const h = new History();
    h.agent('amira');
    h.open('t1', '09:00').assign('t1', 'amira', '09:00').reply('t1', 'amira', '09:01').reply('t1', 'amira', '09:02').pending('t1', '09:03');
    h.customer('t1', '10:00').reply('t1', 'amira', '10:30').reply('t1', 'amira', '10:31');
    const [row] = rows(h.facts, ...DAY, 'agent', 'range').filter((r) => r.key === 'amira');
    expect(row!.metrics.firstResponse).toEqual(dur(1, 1, 1, 1, 1));
    expect(row!.metrics.reply).toEqual(dur(1, 30, 30, 30, 30));
    expect(row!.metrics.delays).toEqual(dur(1, 30, 30, 30, 30));
  });

  it('a ticket opened before the range and still open after it: snapshot and ongoing wait in range', () => {
    const h = new History();
    h.agent('amira');
    h.open('t1', '2026-02-27T10:00:00Z').assign('t1', 'amira', '2026-02-27T10:00:00Z');
    const [row] = rows(h.facts, ...DAY, 'agent', 'range', { sla: { resolutionMs: 24 * 60 * MIN } }).filter((r) => r.key === 'amira');
    expect(row!.metrics.tickets).toEqual({ opened: 0, reopened: 0, handoffs: 0, assigned: 0, transferredIn: 0, transferredOut: 0, closed: 0, handled: 0, openAtEnd: 1 });
    // The first response target passed days before the range: not this range's breach.
    expect(row!.metrics.sla.resolution).toEqual({ met: 0, breached: 0 });
    expect(row!.metrics.delays).toEqual(none);
  });

  it('an explicit handoff: the wait runs from the handoff, and the bot\'s "connecting you" does not suspend it', () => {
    const h = new History();
    h.agent('amira');
    // The bot answered (no wait); the customer then types the handoff word, which the bot acknowledges.
    h.open('t1', '09:00').bot('t1', '09:00:05').customer('t1', '09:03').handoff('t1', '09:03').bot('t1', '09:03:01');
    h.assign('t1', 'amira', '09:04').reply('t1', 'amira', '09:10');
    // A handoff while no one is waiting (a rule, after the bot answered) starts the wait itself.
    h.open('t2', '10:00').bot('t2', '10:00:05').handoff('t2', '10:01').assign('t2', 'amira', '10:02').reply('t2', 'amira', '10:05');
    const list = rows(h.facts, ...DAY, 'all', 'range');
    expect(list[0]!.metrics.tickets.handoffs).toBe(2);
    // t1: 09:03 → 09:10 (not from the 09:03:01 acknowledgement); t2: 10:01 → 10:05.
    expect(list[0]!.metrics.firstResponse).toEqual(dur(2, 11, 4, 7, 7));
  });

  it('a transfer to a branch queue counts out for the agent and in for the branch', () => {
    const h = new History();
    h.agent('amira', { branch: 'giza' }).agent('omar', { branch: 'alex' });
    h.open('t1', '09:00').assign('t1', 'amira', '09:00').transferToBranch('t1', 'alex', '09:05').assign('t1', 'omar', '09:06').reply('t1', 'omar', '09:08');
    const branches = byKey(rows(h.facts, ...DAY, 'branch', 'range'));
    expect(branches.get('giza')!.tickets.transferredOut).toBe(1);
    expect(branches.get('alex')!.tickets.transferredIn).toBe(1);
    expect(branches.get('alex')!.firstResponse).toEqual(dur(1, 8, 8, 8, 8));
  });
});
