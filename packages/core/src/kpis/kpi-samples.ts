/**
 * The replay's output: one flat, append-only list of samples (struct of arrays, cheap at
 * millions of entries). Each sample has a type, an instant, a value and its three dimensions.
 */

import type { ZoneOffsets } from '../hours/time-zone.js';

/** Additive counters; the value is the amount added. */
export const COUNTER = {
  received: 0,
  sent: 1,
  /** Each `sentBy` counter also adds to `sent`. */
  sentAgent: 2,
  sentPhone: 3,
  sentUser: 4,
  sentBot: 5,
  sentSystem: 6,
  opened: 7,
  reopened: 8,
  assigned: 9,
  transferredIn: 10,
  transferredOut: 11,
  closed: 12,
  slaFirstMet: 13,
  slaFirstBreached: 14,
  slaNextMet: 15,
  slaNextBreached: 16,
  slaResolutionMet: 17,
  slaResolutionBreached: 18,
  csatRequests: 19,
  csatAnswers: 20,
  csatRatingSum: 21,
  /** csat1 + rating - 1 for each rating. */
  csat1: 22,
  onlineMs: 27,
  loadMs: 28,
  capacityMs: 29,
  handoffs: 30,
} as const;
export const COUNTERS = 31;

/** Duration samples; the value is the duration in ms. */
export const DURATION_BASE = COUNTERS;
export const DURATION = { firstResponse: DURATION_BASE, reply: DURATION_BASE + 1, resolution: DURATION_BASE + 2, delays: DURATION_BASE + 3 } as const;
export const DURATIONS = 4;
/** A human reply on a ticket; the value is the ticket's index (distinct tickets per cell). */
export const HANDLED = DURATION_BASE + DURATIONS;
/** A ticket non-closed at the end of a local day; `at` is that end minus 1 ms. */
export const OPEN_AT_END = HANDLED + 1;

/** Interned values of one dimension: sample → small integer → key. */
export class KpiKeys {
  readonly names: Array<string | null> = [];
  readonly #index = new Map<string | null, number>();

  intern(key: string | null): number {
    let index = this.#index.get(key);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(key);
      this.#index.set(key, index);
    }
    return index;
  }

  /** The index of a key, or -1 when no sample has it. */
  find(key: string | null): number {
    return this.#index.get(key) ?? -1;
  }
}

export class KpiSamples {
  readonly type: number[] = [];
  readonly at: number[] = [];
  /** Local day number of `at` in the replay's time zone. */
  readonly day: number[] = [];
  readonly value: number[] = [];
  /** Interned dimension values (see `agents`, `branches`, `channels`). */
  readonly agent: number[] = [];
  readonly branch: number[] = [];
  readonly channel: number[] = [];
  readonly agents = new KpiKeys();
  readonly branches = new KpiKeys();
  readonly channels = new KpiKeys();
  readonly #zone: ZoneOffsets;

  constructor(zone: ZoneOffsets) {
    this.#zone = zone;
  }

  get length(): number {
    return this.type.length;
  }

  push(type: number, at: number, value: number, agent: string | null, branch: string | null, channel: string | null): void {
    this.type.push(type);
    this.at.push(at);
    this.day.push(this.#zone.dayOf(at));
    this.value.push(value);
    this.agent.push(this.agents.intern(agent));
    this.branch.push(this.branches.intern(branch));
    this.channel.push(this.channels.intern(channel));
  }
}
