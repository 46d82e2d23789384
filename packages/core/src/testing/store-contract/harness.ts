import { afterEach, beforeEach } from 'vitest';
import type { MessageContent } from '../../domain/message-content.js';
import type { Actor, Agent, Ticket } from '../../domain/model.js';
import type { IngestInboundInput, IngestInboundResult, Store } from '../../store/store.js';

/**
 * Reads what a store actually persisted, bypassing the store's own API (raw maps for memory,
 * SQL for Postgres), so the contract checks state rather than the store's account of it.
 */
export interface StoreOracle {
  /** Stored messages on a channel (optionally with one provider id). */
  countMessages(filter: { channelId: string; providerMessageId?: string }): Promise<number>;
  /** Non-closed tickets of a customer on a channel. */
  countNonClosedTickets(filter: { customerId: string; channelId: string }): Promise<number>;
  /** Non-closed tickets assigned to an agent. */
  countAssignedNonClosed(agentId: string): Promise<number>;
  /** Customers with this identity. */
  countCustomers(identity: string): Promise<number>;
  /** Notifications (all, or with this key and/or status). */
  countNotifications(filter: { key?: string; status?: string }): Promise<number>;
  /**
   * Every value the store persisted, as one text (memory: all records as JSON; Postgres: every
   * row of every table as text). The GDPR erase contract checks that no personal value survives in it.
   */
  dump(): Promise<string>;
}

export interface StoreContractOptions {
  /** A new, empty, not yet initialized store. Called before every test. */
  createStore: () => Store | Promise<Store>;
  /** An oracle over the same store's persisted state. */
  oracle: (store: Store) => StoreOracle;
  /** Runs after every test, after `close()` (drop a schema, delete a folder, ...). */
  destroyStore?: (store: Store) => void | Promise<void>;
  /**
   * A second, not yet initialized store over the same data as `first` (another process on the
   * same database). The live-event contract publishes on one and subscribes on the other; the
   * contract closes it (never `destroyStore`: the data belongs to `first`). Without it, both sides use `first`.
   */
  secondStore?: (first: Store) => Store | Promise<Store>;
  /** Size of the generated history the KPI contract loads and compares (default 50,000 messages). */
  kpiHistoryMessages?: number;
  /**
   * Capabilities (see `STORE_CONTRACT_CAPABILITIES`) to report as skipped instead of running,
   * for a store that is still being built. A finished store skips nothing.
   */
  skip?: readonly string[];
}

export interface ContractHarness {
  readonly store: Store;
  readonly oracle: StoreOracle;
}

/** Fresh store per test, initialized before and closed after: tests never depend on each other. */
export function useStore(options: StoreContractOptions): ContractHarness {
  let store: Store | undefined;
  let oracle: StoreOracle | undefined;
  beforeEach(async () => {
    store = await options.createStore();
    await store.init();
    oracle = options.oracle(store);
  });
  afterEach(async () => {
    if (!store) return;
    await store.close();
    await options.destroyStore?.(store);
    store = undefined;
  });
  return {
    get store() {
      if (!store) throw new Error('store contract: no store (used outside a test?)');
      return store;
    },
    get oracle() {
      if (!oracle) throw new Error('store contract: no oracle (used outside a test?)');
      return oracle;
    },
  };
}

export const T0 = new Date('2026-03-02T10:00:00.000Z');
/** T0 plus `minutes`. */
export const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
export const HOUR = 60;

export const text = (body: string): MessageContent => ({ type: 'text', text: body });
export const agentActor = (id: string): Actor => ({ type: 'agent', id });
export const system: Actor = { type: 'system' };

let seq = 0;
/** A unique suffix so tests never collide, even on a shared database. */
export const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${(++seq).toString(36)}`;

/** An inbound message input; pass overrides for what the test cares about. */
export function inbound(overrides: Partial<IngestInboundInput> & { phone?: string } = {}): IngestInboundInput {
  const { phone = '+201001234567', ...rest } = overrides;
  return {
    channelId: 'main',
    providerMessageId: unique('wamid'),
    sender: { identity: phone, phone, name: 'Ahmed', address: phone.slice(1) },
    content: text('hello'),
    providerTimestamp: rest.at ?? T0,
    replyToProviderMessageId: null,
    at: T0,
    reopenWindowMs: 30 * 60_000,
    newTicket: { branch: null, skills: [] },
    ...rest,
  };
}

export function accepted(result: IngestInboundResult): Extract<IngestInboundResult, { duplicate: false }> {
  if (result.duplicate) throw new Error('store contract: expected a new message, got a duplicate');
  return result;
}

/** Create an agent with sensible defaults. */
export function addAgent(store: Store, overrides: Partial<Parameters<Store['createAgent']>[0]> = {}): Promise<Agent> {
  return store.createAgent({ name: 'Agent', capacity: 3, status: 'online', branch: null, skills: [], at: T0, ...overrides });
}

/** Ingest one message from a fresh customer and return its (queued) ticket. */
export async function queuedTicket(store: Store, overrides: Partial<IngestInboundInput> & { phone?: string } = {}): Promise<Ticket> {
  const phone = overrides.phone ?? `+2010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  return accepted(await store.ingestInbound(inbound({ ...overrides, phone }))).ticket;
}

/** Assign a ticket (asserting success) for tests that need an open ticket. */
export async function assign(store: Store, ticketId: string, agentId: string, when: Date = T0): Promise<Ticket> {
  const result = await store.assignTicket({ ticketId, agentId, kind: 'assigned', requireOnline: false, actor: system, reason: null, at: when });
  if (!result.ok) throw new Error(`store contract: assignment failed: ${result.reason}`);
  return result.ticket;
}
