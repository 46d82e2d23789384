/**
 * The Store contract: everything Switchboard persists. Types only.
 *
 * Rule: every operation that must be atomic under concurrency (many requests in one process,
 * many processes on one database) is ONE method here, so each store implements the guarantee
 * in its own way (a synchronous critical section in memory; a transaction with constraints in
 * Postgres). Core never composes two store calls where a race between them could break a
 * guarantee.
 *
 * Conventions:
 * - Stores return fresh objects; mutating a returned object never changes stored state.
 * - Times are `Date`s chosen by core's clock (`at`), never read from the store's own clock.
 * - Ids are minted by the store with `newId()` from `@switchboard/core` unless given.
 * - Expected failures (lost race, capacity) are results (`{ ok: false, reason }`); unexpected
 *   ones throw. A store may throw `SwitchboardError` subclasses (`ConflictError`,
 *   `TicketClosedError`); core wraps anything else into a `StoreError` with the cause attached.
 * - Cursors are opaque strings produced by the same store.
 * - `@switchboard/core/testing` `runStoreContract` checks all of this.
 */
import type { MessageContent } from '../domain/message-content.js';
import type {
  Actor,
  Agent,
  AgentLoad,
  AgentStatus,
  AuditEntry,
  Customer,
  CustomerChannel,
  CustomerNote,
  DeliveryStatus,
  Message,
  MessageError,
  Page,
  Ticket,
  TicketEvent,
  TicketStatus,
} from '../domain/model.js';
import type {
  Campaign,
  CampaignAudience,
  Notification,
  NotificationAttempt,
  NotificationStatus,
  SkipReason,
} from '../notifications/notification-model.js';
import type { ProviderTemplate, QuickReply } from '../templates/template-model.js';
import type { Trigger } from '../triggers/trigger-model.js';
import type { BusinessCalendar } from '../hours/business-calendar.js';
import type {
  CreateCsatRequestInput,
  CreateCsatRequestResult,
  KpiFacts,
  KpiFactsQuery,
  RecordCsatAnswerInput,
  RecordCsatAnswerResult,
} from '../kpis/kpi-facts.js';
import type { KpiRollupRow } from '../kpis/kpi-metrics.js';
import type { KpiRollupQuery } from '../kpis/kpi-options.js';
import type { LiveEvent } from '../live/live-event.js';

export interface Store {
  /** Store kind for logs and errors, e.g. `memory`, `postgres`. */
  readonly kind: string;
  /** Prepare the store (run migrations, open pools). Called once by core before any other method. */
  init(): Promise<void>;
  /** Release every resource. Called once by core; no method is called afterwards. */
  close(): Promise<void>;

  // ---------------------------------------------------------------- agents

  /**
   * Create an agent. Throws `ConflictError` when `id` is taken. Appends the initial status to
   * the agent status log (`previous: null`) in the same atomic step.
   */
  createAgent(input: CreateAgentInput): Promise<Agent>;
  /** Change an agent's profile. Returns null when the agent does not exist. */
  updateAgent(id: string, patch: AgentPatch): Promise<Agent | null>;
  /**
   * Set online/offline. Returns the agent and its previous status, or null when it does not
   * exist. When the status changes, appends one `AgentStatusChange` (`status`, `previous`, `at`)
   * to the agent status log in the same atomic step: the log never misses or duplicates a
   * change, even under concurrent calls, so online time can be computed from it (KPIs).
   */
  setAgentStatus(input: { agentId: string; status: AgentStatus; at: Date }): Promise<{ agent: Agent; previous: AgentStatus } | null>;
  /** One agent, or null. */
  getAgent(id: string): Promise<Agent | null>;
  /** Agents with their current load (non-closed tickets assigned), ordered by id. */
  listAgents(filter?: AgentFilter): Promise<AgentLoad[]>;

  // ---------------------------------------------------------------- customers

  /** One customer, or null. */
  getCustomer(id: string): Promise<Customer | null>;
  /** The customer with this identity key (E.164 phone or `<channel>/<address>`), or null. */
  findCustomerByIdentity(identity: string): Promise<Customer | null>;
  /** Create the customer with this identity or return the existing one (atomically: never two). */
  upsertCustomer(input: UpsertCustomerInput): Promise<{ customer: Customer; created: boolean }>;
  /** Change name or tags. Returns null when the customer does not exist. */
  updateCustomer(id: string, patch: CustomerPatch): Promise<Customer | null>;
  /** Customers, newest first; `search` matches name or phone (case-insensitive substring). */
  listCustomers(query: CustomerQuery): Promise<Page<Customer>>;
  /** How the customer is reached on a channel, or null if they never wrote there. */
  getCustomerChannel(customerId: string, channelId: string): Promise<CustomerChannel | null>;
  /** Add a note. Returns null when the customer does not exist. */
  addCustomerNote(input: { customerId: string; author: Actor; text: string; at: Date }): Promise<CustomerNote | null>;
  /** A customer's notes, oldest first. */
  listCustomerNotes(customerId: string): Promise<CustomerNote[]>;
  /**
   * GDPR erasure, atomically: replace the customer's personal data and keep every fact KPIs and
   * history counts need. Afterwards no stored value holds the customer's phone, name or words:
   * - customer: `name` null, `phone` null, `tags` empty, `identity` = `erasedIdentity(id)` (a
   *   new message from the same phone creates a new customer), `updatedAt` = `at`;
   * - their channel addresses become `erasedIdentity(id)` (`lastInboundAt` kept);
   * - every note's text becomes `ERASED_TEXT` (author and time kept);
   * - every message's content becomes `ERASED_CONTENT` and a failed message's error text
   *   `ERASED_TEXT` (ids, provider ids, direction, author, status, times kept);
   * - notifications to their phone: `to` = `erasedIdentity(id)`, `phone` null, `content` =
   *   `ERASED_CONTENT`, `fallback` = `ERASED_CONTENT` when there was one, `metadata` `{}`,
   *   error texts (also of attempts) `ERASED_TEXT`, `requestHash` `'erased'` (key, status, times kept);
   * - audit entries about the customer (`entity` = the customer) keep action, actor and time;
   *   their `data` becomes `{}`.
   * Tickets, ticket events, CSAT records, agent logs and opt-out state are unchanged, so
   * `listKpiFacts` returns the same facts. Erasing twice is fine. Null when the customer does not exist.
   */
  eraseCustomer(input: { customerId: string; at: Date }): Promise<Customer | null>;

  // ---------------------------------------------------------------- inbound

  /**
   * The inbound hot path, atomically: unless (channel, providerMessageId) was seen before,
   * upsert the customer and their channel address, find the one non-closed ticket of the
   * customer on the channel — or reopen the last one if it closed within `reopenWindowMs`, or
   * open a new `queued` one — move a `pending` ticket back to `open`, and store the message.
   * A duplicate changes nothing and returns the first stored message.
   * Guarantees 1 (stored once) and 2 (at most one non-closed ticket per customer and channel).
   *
   * Optional, `input.route`: when the ticket ends up `queued`, also assign it in the same step,
   * as `assignTicket` would (capacity-checked, guarantee 3), to the first candidate of the given
   * built-in ranking, and report it in `routing`. Core then skips its own routing round trips.
   * A store that does not implement it leaves `routing` unset, and core routes as usual; so may
   * a store that does, for one call, rather than wait (e.g. for an agent another transaction is
   * assigning to).
   */
  ingestInbound(input: IngestInboundInput): Promise<IngestInboundResult>;

  /**
   * A message the business sent from outside Switchboard (the phone), atomically: unless
   * (channel, providerMessageId) was seen, upsert the customer and their channel address, attach
   * the message to their non-closed ticket on the channel (none: `ticketId` null), store it as an
   * outbound `sent` message authored by `{ type: 'phone' }`, and bump the ticket's activity and
   * `lastAgentReplyAt` (a person answered). A duplicate changes nothing.
   */
  ingestEcho(input: IngestEchoInput): Promise<{ duplicate: boolean; message: Message }>;

  // ---------------------------------------------------------------- tickets

  /** One ticket, or null. */
  getTicket(id: string): Promise<Ticket | null>;
  /** Tickets matching every given filter, newest first. */
  listTickets(query: TicketQuery): Promise<Page<Ticket>>;
  /**
   * `queued` tickets, the longest-waiting first (by `queuedAt`, then id). `after` continues
   * from a ticket of a previous page (its `queuedAt` and id): only tickets after it in that order.
   */
  listQueuedTickets(query: { limit: number; channelId?: string; after?: { queuedAt: Date; id: string } }): Promise<Ticket[]>;
  /**
   * `open` and `pending` tickets whose `lastActivityAt` is at or before `inactiveSince`, oldest
   * activity first. Queued tickets are never listed: their customer is waiting on the business.
   */
  listInactiveTickets(query: { inactiveSince: Date; limit: number }): Promise<Ticket[]>;
  /**
   * Assign (or transfer) a ticket to an agent, atomically checking that the ticket is not
   * closed, matches `expect`, and that the agent exists, is online when `requireOnline`, and
   * holds fewer non-closed tickets than their capacity (guarantee 3: never overshoots, across
   * processes). A `queued` ticket becomes `open`; `open`/`pending` keep their status. Sets the
   * agent's `lastAssignedAt` and writes one ticket event of type `kind`.
   */
  assignTicket(input: AssignTicketInput): Promise<AssignTicketResult>;
  /**
   * Put a ticket (back) in the queue, unassigned, optionally in another branch: used for
   * transfers to a branch and for reopening a closed ticket (`kind: 'reopened'`, which must
   * fail with `conflict` if the customer already has another non-closed ticket on the channel).
   */
  queueTicket(input: QueueTicketInput): Promise<TicketChangeResult>;
  /**
   * Move a ticket to `open`, `pending` or `closed` if it matches `expect`. `open` requires an
   * assignee. Closing keeps the assignee for history but frees their capacity.
   */
  changeTicketStatus(input: ChangeTicketStatusInput): Promise<TicketChangeResult>;
  /** A ticket's history, oldest first. */
  listTicketEvents(ticketId: string): Promise<TicketEvent[]>;

  // ---------------------------------------------------------------- outbound messages

  /**
   * Store an outbound message as `pending` before any driver is called, and bump the ticket's
   * activity (and `lastAgentReplyAt` for agent authors). With `requireOpenTicket`, throws
   * `TicketClosedError` if the ticket is closed at that moment.
   */
  insertOutboundMessage(input: InsertOutboundInput): Promise<Message>;
  /**
   * Record what the driver said: `sent` with the provider id (then apply any receipts that
   * arrived before it), or `failed` with the error. Returns null when the message does not exist.
   */
  recordSendResult(input: RecordSendResultInput): Promise<Message | null>;
  /**
   * Apply a delivery receipt, monotonically (guarantee 5, see `canAdvanceStatus`). The message
   * is found by `reference` (our message id) when given, else by (channel, providerMessageId).
   * A receipt for a message not known yet is buffered and applied by `recordSendResult` (or by
   * `completeNotificationAttempt`), unless `bufferIfUnknown` is false.
   */
  applyDeliveryStatus(input: ApplyDeliveryStatusInput): Promise<ApplyDeliveryStatusResult>;
  /**
   * Optional: delete buffered receipts (see `applyDeliveryStatus`) whose `at` is before
   * `receivedBefore`. Receipts for messages this store will never record (sent from the phone or
   * another system on the same number) would otherwise pile up. Core calls it from maintenance
   * with a cutoff a day back. Returns how many were deleted.
   */
  purgeEarlyReceipts?(input: { receivedBefore: Date }): Promise<number>;
  /** Put a `failed` outbound message back to `pending` for another attempt; null unless it was failed. */
  retryMessage(input: { messageId: string; at: Date }): Promise<Message | null>;
  /** One message, or null. */
  getMessage(id: string): Promise<Message | null>;
  /** The message with this provider id on this channel, or null. */
  findMessageByProviderId(channelId: string, providerMessageId: string): Promise<Message | null>;
  /** Messages of a ticket or customer, in creation order (`asc` by default). */
  listMessages(query: MessageQuery): Promise<Page<Message>>;
  /**
   * Full-text search over messages, newest first (descending id), keyset-paged. A message
   * matches when every word of `searchTerms(query.text)` is a whole word of
   * `searchTerms(searchableText(message.content))` — case-insensitive, no stemming, any script
   * (Arabic and English alike) — and it passes every given filter. Postgres: the same as
   * `to_tsvector('simple', searchableText(content)) @@ ('w1' & 'w2' …)` over `searchTerms`.
   * A query with no words matches nothing.
   */
  searchMessages(query: MessageSearchQuery): Promise<Page<Message>>;

  // ---------------------------------------------------------------- channel storage

  /** A JSON value a channel's driver stored under `key`, or null. */
  getChannelValue(channelId: string, key: string): Promise<unknown>;
  /** Store a JSON-serializable value for a channel's driver (replaces any previous one). */
  setChannelValue(input: { channelId: string; key: string; value: unknown; at: Date }): Promise<void>;
  /** Remove a channel value; removing a missing key is fine. */
  deleteChannelValue(channelId: string, key: string): Promise<void>;

  // ---------------------------------------------------------------- notifications (outbox)

  /**
   * Record a notification and queue it in the outbox, atomically — unless its key exists: then
   * return the existing record untouched (`created: false`). However many concurrent calls, in
   * however many processes, one key creates exactly one notification (guarantee 4).
   */
  enqueueNotification(input: EnqueueNotificationInput): Promise<{ notification: Notification; created: boolean }>;
  /** One notification, or null. */
  getNotification(id: string): Promise<Notification | null>;
  /** The notification with this idempotency key, or null. */
  findNotificationByKey(key: string): Promise<Notification | null>;
  /** Notifications matching every given filter, newest first. */
  listNotifications(query: NotificationQuery): Promise<Page<Notification>>;
  /** How many notifications match the filters, per status (every status present, zeros included). */
  countNotifications(filter: NotificationFilter): Promise<Record<NotificationStatus, number>>;
  /**
   * Lease up to `limit` due notifications of a channel (`pending`/`retrying` with
   * `nextAttemptAt <= now`, earliest first) to `owner` until `now + leaseMs`: each becomes
   * `sending`, `attempts` grows by one and an attempt record starts. One owner at a time holds a
   * notification, across processes (`FOR UPDATE SKIP LOCKED` in Postgres).
   */
  claimNotifications(input: { channelId: string; owner: string; now: Date; leaseMs: number; limit: number }): Promise<Notification[]>;
  /**
   * Mark that the owner is about to call the provider for attempt `attempt`. True only while the
   * owner still holds an unexpired lease on that attempt and it was not started before; a
   * dispatcher that lost its lease (it stalled, another took over) gets false and must not send.
   */
  startNotificationSend(input: { notificationId: string; attempt: number; owner: string; at: Date }): Promise<boolean>;
  /**
   * Finish attempt `attempt` of a notification: applies only while that attempt is unfinished
   * and belongs to `owner`, else returns null and changes nothing. `sent` records the provider id
   * (and applies receipts that arrived before it); `retrying` schedules `nextAttemptAt`;
   * `failed` and `skipped` are final. A status already advanced by a receipt is never lowered.
   */
  completeNotificationAttempt(input: CompleteNotificationAttemptInput): Promise<Notification | null>;
  /**
   * Give back leased notifications whose send never started (shutdown): due again, attempt closed
   * as `released`. Attempt numbers are never reused: the next claim is the next number.
   */
  releaseNotifications(input: { owner: string; ids: string[]; at: Date }): Promise<number>;
  /**
   * Expired leases: a notification whose send never started goes back to the queue, due now
   * (attempt closed as `expired`; another dispatcher takes over); one whose send started becomes
   * `uncertain` — the provider may have accepted it, so it is never resent silently. Returns those
   * changed.
   */
  expireNotificationLeases(input: { now: Date; limit: number }): Promise<Notification[]>;
  /**
   * Apply a delivery receipt to a notification, found by `reference` (its id) or by
   * (channel, provider id), monotonically (see `canAdvanceNotification`): an `uncertain`
   * notification whose receipt comes back is reconciled. `not_found` when it is not a notification.
   */
  applyNotificationStatus(input: ApplyDeliveryStatusInput): Promise<ApplyNotificationStatusResult>;
  /** `failed` → `pending`, due at `at`, for another attempt (history kept). Null unless it was failed. */
  retryNotification(input: { id: string; at: Date }): Promise<Notification | null>;
  /** Settle an `uncertain` notification: `resend` queues a new attempt, `mark-sent` records it sent. Null unless uncertain. */
  resolveUncertainNotification(input: { id: string; action: 'resend' | 'mark-sent'; at: Date }): Promise<Notification | null>;
  /** A notification's attempts, oldest first. */
  listNotificationAttempts(notificationId: string): Promise<NotificationAttempt[]>;

  /** Opt a customer out of (or back into) notifications. Null when the customer does not exist. */
  setCustomerOptOut(input: { customerId: string; optedOut: boolean; at: Date }): Promise<Customer | null>;

  // ---------------------------------------------------------------- campaigns

  createCampaign(input: CreateCampaignInput): Promise<Campaign>;
  getCampaign(id: string): Promise<Campaign | null>;
  /** Campaigns, newest first. */
  listCampaigns(query: { limit: number; cursor?: string }): Promise<Page<Campaign>>;
  /** Record a run: status and how many recipients were queued. Null when it does not exist. */
  updateCampaign(id: string, patch: { status?: Campaign['status']; recipients?: number; at: Date }): Promise<Campaign | null>;

  // ---------------------------------------------------------------- quick replies

  /** Create a quick reply. Throws `ConflictError` (code `shortcut_taken`) when its owner already uses the shortcut. */
  createQuickReply(input: CreateQuickReplyInput): Promise<QuickReply>;
  /** Change a quick reply (same shortcut rule). Null when it does not exist. */
  updateQuickReply(id: string, patch: QuickReplyPatch): Promise<QuickReply | null>;
  /** True when it existed. */
  deleteQuickReply(id: string): Promise<boolean>;
  getQuickReply(id: string): Promise<QuickReply | null>;
  /** Global quick replies plus `agentId`'s own (only global ones for null), ordered by shortcut then owner (own first). */
  listQuickReplies(query: QuickReplyQuery): Promise<QuickReply[]>;

  // ---------------------------------------------------------------- provider templates

  /** Insert the template, or replace the one with the same (channel, name, language). */
  upsertProviderTemplate(input: UpsertProviderTemplateInput): Promise<ProviderTemplate>;
  getProviderTemplate(channelId: string, name: string, language: string): Promise<ProviderTemplate | null>;
  /** Templates matching every given filter, by name then language. */
  listProviderTemplates(query: { channelId?: string; status?: string; name?: string }): Promise<ProviderTemplate[]>;
  /** Record a provider status change (matched by provider id, else by channel+name+language). Null when unknown. */
  setProviderTemplateStatus(input: SetProviderTemplateStatusInput): Promise<ProviderTemplate | null>;
  /** True when it existed. */
  deleteProviderTemplate(id: string): Promise<boolean>;

  // ---------------------------------------------------------------- triggers

  createTrigger(input: TriggerInput & { at: Date }): Promise<Trigger>;
  /** Null when it does not exist. */
  updateTrigger(id: string, patch: Partial<TriggerInput> & { at: Date }): Promise<Trigger | null>;
  /** True when it existed. */
  deleteTrigger(id: string): Promise<boolean>;
  getTrigger(id: string): Promise<Trigger | null>;
  /** Every rule, highest priority first, ties by id. */
  listTriggers(): Promise<Trigger[]>;
  /**
   * Record that a rule fired for a customer unless it already fired for them within
   * `cooldownMs`, atomically: true when it may fire now. At most once per cooldown, across
   * processes.
   */
  claimTriggerFiring(input: { triggerId: string; customerId: string; at: Date; cooldownMs: number }): Promise<boolean>;
  /**
   * Hand a non-closed ticket to a human: sets `handoffAt` (once) and writes a `handoff` ticket
   * event. Closing the ticket clears `handoffAt` (the bot may speak again on a reopened ticket).
   * Null when the ticket is missing or closed.
   */
  setTicketHandoff(input: { ticketId: string; actor: Actor; at: Date }): Promise<{ ticket: Ticket; changed: boolean } | null>;

  // ---------------------------------------------------------------- business-hours calendars

  /** Insert a calendar, or replace the one with `id` (a given id that does not exist yet is created). */
  saveCalendar(input: { id?: string; name: string; calendar: BusinessCalendar; at: Date }): Promise<StoredCalendar>;
  getCalendar(id: string): Promise<StoredCalendar | null>;
  /** Every calendar, by name then id. */
  listCalendars(): Promise<StoredCalendar[]>;
  /** True when it existed. */
  deleteCalendar(id: string): Promise<boolean>;

  // ---------------------------------------------------------------- audit

  /** Append one audit entry. */
  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry>;
  /** Audit entries, newest first. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;

  // ---------------------------------------------------------------- kpis and csat
  // Types in `kpis/kpi-facts.ts` and `kpis/kpi-options.ts`; definitions in docs/kpis.md.

  /**
   * The log slice KPIs of `[from, to)` need (see `KpiFacts` for exactly what it must contain):
   * every ticket non-closed at some instant of the range or with a message, event or CSAT
   * record in it — including tickets opened before `from` — with all their messages and events
   * before `to`; the agents; each agent's last status change before `from` and all changes in
   * the range; CSAT requests of those tickets and their answers before `to`. Filters are hints:
   * returning more is fine, less is not.
   */
  listKpiFacts(query: KpiFactsQuery): Promise<KpiFacts>;

  /**
   * Atomically, for a closed ticket whose `closedAt` still equals `input.closedAt` and that has
   * no CSAT request for this closing yet: store the question as an outbound `pending` message
   * on the closed ticket (author `system`) and the request (answerable until `expiresAt`).
   * Otherwise store nothing and say why (`exists` returns the existing request).
   */
  createCsatRequest(input: CreateCsatRequestInput): Promise<CreateCsatRequestResult>;

  /**
   * A customer's rating, atomically: unless (channel, providerMessageId) was seen (then
   * `duplicate` with the first stored message), find the customer by identity and their latest
   * unanswered, unexpired CSAT request on the channel; if there is one and the customer has no
   * non-closed ticket on the channel, store the inbound message on the request's (closed)
   * ticket — which stays closed — update the customer's channel address and `lastInboundAt`,
   * mark the request answered and store the answer. Otherwise store nothing (`no_request`).
   */
  recordCsatAnswer(input: RecordCsatAnswerInput): Promise<RecordCsatAnswerResult>;

  /**
   * Optional: the rollup computed by the store's own engine (e.g. SQL). When present, core
   * uses it instead of `listKpiFacts` + the pure calculators, and it must return the same
   * numbers as `rollupKpis(await listKpiFacts(...), query)` — the store contract checks this on
   * a generated history. Core recomputes derived fields (`avgMs = sumMs / count`, rates,
   * utilization) and fills missing (key, period) rows with zeros, so a store may return only
   * the rows that have data. Percentiles are nearest-rank (SQL `percentile_disc`).
   */
  computeKpiRollup?(query: KpiRollupQuery): Promise<KpiRollupRow[]>;

  /**
   * Optional, for stores that keep derived KPI state (e.g. a materialized replay that
   * `computeKpiRollup` reads): bring it up to date with what was written since, and return how
   * many tickets that took. Maintenance calls it, so that state never falls far behind and a
   * rollup has little left to do. `computeKpiRollup` must be exact without it.
   */
  refreshKpis?(): Promise<number>;

  // ---------------------------------------------------------------- live events (optional)

  /**
   * Optional: share a live event with every subscriber on the same data — in this process and
   * in others (Postgres: `NOTIFY` on one channel; events are at most a few KB, under its 8000
   * bytes). The event is JSON-serializable; subscribers get an equal copy (as after a JSON round
   * trip), the publisher's own subscribers included. Best-effort: no durability, no replay.
   */
  publishEvent?(event: LiveEvent): Promise<void>;
  /**
   * Optional, with `publishEvent`: receive every event published on the same data from the
   * moment the returned promise resolves, in publish order per publisher, each once per
   * subscription. The resolved function stops delivery; core calls it before `close()`.
   */
  subscribeEvents?(listener: (event: LiveEvent) => void): Promise<() => Promise<void>>;
}

export interface CreateAgentInput {
  /** Omit to have the store mint `agt_…`. */
  id?: string;
  name: string;
  capacity: number;
  status: AgentStatus;
  branch: string | null;
  skills: string[];
  at: Date;
}

export interface AgentPatch {
  name?: string;
  capacity?: number;
  branch?: string | null;
  skills?: string[];
}

export interface AgentFilter {
  /** Only these agents. */
  ids?: string[];
  status?: AgentStatus;
  /** Only agents of this branch. */
  branch?: string;
  /** Only agents holding every one of these skills. */
  skills?: string[];
  /** Only agents whose load is below their capacity. */
  belowCapacity?: boolean;
}

export interface UpsertCustomerInput {
  identity: string;
  phone: string | null;
  /** Set when creating; also updates an existing customer's name when given. */
  name: string | null;
  at: Date;
}

export interface CustomerPatch {
  name?: string | null;
  tags?: string[];
  at: Date;
}

export interface CustomerQuery {
  search?: string;
  tag?: string;
  /** Customers holding every one of these tags. */
  tags?: string[];
  /** With `lastInboundAfter`/`lastInboundBefore`: the channel whose last inbound message is compared. */
  channelId?: string;
  /** Customers whose last inbound message on `channelId` is at or after this time. */
  lastInboundAfter?: Date;
  /** Customers whose last inbound message on `channelId` is before this time. */
  lastInboundBefore?: Date;
  limit: number;
  cursor?: string;
}

export interface IngestInboundInput {
  channelId: string;
  providerMessageId: string;
  sender: {
    identity: string;
    phone: string | null;
    name: string | null;
    /** Provider address to reply to; stored on the customer's channel record. */
    address: string;
  };
  content: MessageContent;
  providerTimestamp: Date | null;
  replyToProviderMessageId: string | null;
  /** Receive time. */
  at: Date;
  /** A message at most this long after the last ticket closed reopens it; 0 never reopens. */
  reopenWindowMs: number;
  /** Branch and skills of a newly opened ticket. */
  newTicket: { branch: string | null; skills: string[] };
  /** Assign a ticket left `queued` in the same step (optional for stores; see `ingestInbound`). */
  route?: InboundRouting;
}

/**
 * Routing done by the store inside `ingestInbound`, as core's router does it: the agents of
 * `routingCandidates(ticket)`, in `storeRankingOrder`, each tried with the checks of
 * `assignTicket(routingAssignment(...))` until one succeeds.
 */
export interface InboundRouting {
  ranking: StoreRanking;
  /** The assignment event's reason, e.g. `routing:least-loaded`. */
  reason: string;
  actor: Actor;
}

/**
 * Rankings simple enough for a store to apply itself: they look only at the candidates.
 * `least-loaded`: fewest non-closed tickets, then longest idle; `round-robin`: longest idle.
 * Longest idle means never assigned first, then the oldest `lastAssignedAt`, then by id. For
 * both, a reopened ticket's last assignee goes first when they are a candidate.
 */
export type StoreRanking = 'least-loaded' | 'round-robin';

export interface IngestEchoInput {
  channelId: string;
  providerMessageId: string;
  /** The customer the message went to. */
  recipient: { identity: string; phone: string | null; name: string | null; address: string };
  content: MessageContent;
  providerTimestamp: Date | null;
  at: Date;
}

export type IngestInboundResult =
  | { duplicate: true; message: Message }
  | {
      duplicate: false;
      message: Message;
      customer: Customer;
      customerCreated: boolean;
      ticket: Ticket;
      /** `created`: a new ticket; `reopened`: a closed one came back; `existing`: it was already non-closed. */
      ticketOutcome: 'created' | 'reopened' | 'existing';
      /** Ticket events written by this call (opened / reopened / pending→open). */
      events: TicketEvent[];
      /**
       * Set when the store applied `input.route`: the assignment it made (`ticket` above stays
       * the ticket as the message left it, before the assignment), or null when it made none
       * (nobody could take the ticket now, or another message assigned it meanwhile).
       */
      routing?: { assignment: { ticket: Ticket; event: TicketEvent } | null };
    };

export interface TicketQuery {
  status?: TicketStatus[];
  assigneeId?: string;
  customerId?: string;
  channelId?: string;
  branch?: string;
  limit: number;
  cursor?: string;
}

export interface AssignTicketInput {
  ticketId: string;
  agentId: string;
  /** `assigned` for routing/first assignment, `transferred` for a move between agents. */
  kind: 'assigned' | 'transferred';
  requireOnline: boolean;
  /** Compare-and-set: fail with `conflict` unless the ticket currently matches. */
  expect?: { statuses?: TicketStatus[]; assigneeId?: string | null };
  actor: Actor;
  reason: string | null;
  at: Date;
}

export type AssignTicketResult =
  | { ok: true; ticket: Ticket; event: TicketEvent; previousAssigneeId: string | null }
  | {
      ok: false;
      reason: 'ticket_not_found' | 'agent_not_found' | 'agent_offline' | 'at_capacity' | 'ticket_closed' | 'already_assigned' | 'conflict';
      ticket: Ticket | null;
    };

export interface QueueTicketInput {
  ticketId: string;
  /** New branch; omit to keep the current one. */
  branch?: string | null;
  kind: 'queued' | 'transferred' | 'reopened';
  expect?: { statuses?: TicketStatus[]; assigneeId?: string | null };
  actor: Actor;
  reason: string | null;
  at: Date;
}

export interface ChangeTicketStatusInput {
  ticketId: string;
  to: Exclude<TicketStatus, 'queued'>;
  expect?: {
    statuses?: TicketStatus[];
    /** Only if `lastActivityAt` is at or before this time (auto-close must not race a new message). */
    inactiveSince?: Date;
  };
  actor: Actor;
  reason: string | null;
  at: Date;
}

export type TicketChangeResult =
  | { ok: true; ticket: Ticket; event: TicketEvent }
  | { ok: false; reason: 'ticket_not_found' | 'conflict'; ticket: Ticket | null };

export interface InsertOutboundInput {
  channelId: string;
  ticketId: string | null;
  customerId: string;
  author: Actor;
  content: MessageContent;
  replyToProviderMessageId: string | null;
  requireOpenTicket: boolean;
  at: Date;
}

export type RecordSendResultInput =
  | { messageId: string; status: 'sent'; providerMessageId: string; at: Date }
  | { messageId: string; status: 'failed'; error: MessageError; at: Date };

export interface ApplyDeliveryStatusInput {
  channelId: string;
  providerMessageId: string;
  reference?: string;
  status: DeliveryStatus;
  error?: MessageError;
  at: Date;
  /**
   * For an unknown message: keep the receipt until the send result records its provider id
   * (default), or with `false` answer `unknown` and keep nothing (core then tries notifications).
   */
  bufferIfUnknown?: boolean;
}

export type ApplyDeliveryStatusResult =
  | { outcome: 'applied'; message: Message; previous: Message['status'] }
  | { outcome: 'ignored'; message: Message }
  | { outcome: 'buffered' }
  | { outcome: 'unknown' };

export interface MessageQuery {
  ticketId?: string;
  customerId?: string;
  limit: number;
  cursor?: string;
  order?: 'asc' | 'desc';
}

/** `searchMessages` input: the words and the filters, all of which must hold. */
export interface MessageSearchQuery {
  /** The words to find (split by `searchTerms`). */
  text: string;
  channelId?: string;
  customerId?: string;
  ticketId?: string;
  /** Only messages of tickets currently assigned to this agent. */
  agentId?: string;
  limit: number;
  cursor?: string;
}

export interface AuditQuery {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  limit: number;
  cursor?: string;
}

/** A new notification: the record's own fields, plus its starting state and the time. */
export type EnqueueNotificationInput = Pick<
  Notification,
  'key' | 'channelId' | 'to' | 'phone' | 'content' | 'fallback' | 'metadata' | 'requestHash' | 'skipReason' | 'nextAttemptAt'
> & {
  /** `pending` (due at `nextAttemptAt`) or `skipped` (with `skipReason`) from the start. */
  status: 'pending' | 'skipped';
  at: Date;
};

export interface NotificationFilter {
  status?: NotificationStatus[];
  channelId?: string;
  /** Keys starting with this (the event type, e.g. `complaint:` or `campaign:cmp_…:`). */
  keyPrefix?: string;
  /** E.164 phone. */
  phone?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** Only `pending`/`retrying` notifications due at or before this time. */
  dueBy?: Date;
}

export interface NotificationQuery extends NotificationFilter {
  limit: number;
  cursor?: string;
}

export type CompleteNotificationAttemptInput = { notificationId: string; attempt: number; owner: string; at: Date } & (
  | { outcome: 'sent'; providerMessageId: string }
  | { outcome: 'retrying'; error: MessageError; nextAttemptAt: Date }
  | { outcome: 'failed'; error: MessageError }
  | { outcome: 'skipped'; reason: SkipReason }
  /** The provider may or may not have accepted it (a timeout after the request left). */
  | { outcome: 'uncertain'; error: MessageError }
);

export type ApplyNotificationStatusResult =
  | { outcome: 'applied'; notification: Notification; previous: NotificationStatus }
  | { outcome: 'ignored'; notification: Notification }
  | { outcome: 'not_found' };

export interface CreateCampaignInput {
  name: string;
  channelId: string;
  content: MessageContent;
  audience: CampaignAudience;
  scheduledAt: Date;
  at: Date;
}

export interface CreateQuickReplyInput {
  ownerAgentId: string | null;
  shortcut: string;
  title: string;
  body: string;
  category: string | null;
  at: Date;
}

export interface QuickReplyPatch {
  shortcut?: string;
  title?: string;
  body?: string;
  category?: string | null;
  at: Date;
}

export interface QuickReplyQuery {
  /** Whose own quick replies to include besides the global ones (null: global only). */
  agentId: string | null;
  category?: string;
  /** Shortcuts starting with this (without `/`). */
  shortcutPrefix?: string;
}

export type UpsertProviderTemplateInput = Omit<ProviderTemplate, 'id' | 'createdAt' | 'updatedAt'> & { at: Date };

export interface SetProviderTemplateStatusInput {
  channelId: string;
  providerTemplateId?: string;
  name: string;
  language: string;
  status: string;
  reason: string | null;
  at: Date;
}

/** A rule's own fields. */
export type TriggerInput = Omit<Trigger, 'id' | 'createdAt' | 'updatedAt'>;

/** A business-hours calendar as stored: the calendar (zone, weekly openings, holidays) plus identity. */
export interface StoredCalendar extends BusinessCalendar {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}
