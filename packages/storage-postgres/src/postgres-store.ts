import type {
  KpiRollupQuery,
  KpiRollupRow,
  Actor,
  Agent,
  AgentFilter,
  AgentLoad,
  AgentPatch,
  AgentStatus,
  ApplyDeliveryStatusInput,
  ApplyDeliveryStatusResult,
  ApplyNotificationStatusResult,
  AssignTicketInput,
  AssignTicketResult,
  AuditEntry,
  AuditQuery,
  BusinessCalendar,
  Campaign,
  ChangeTicketStatusInput,
  CompleteNotificationAttemptInput,
  CreateAgentInput,
  CreateCampaignInput,
  CreateCsatRequestInput,
  CreateCsatRequestResult,
  CreateQuickReplyInput,
  Customer,
  CustomerChannel,
  CustomerNote,
  CustomerPatch,
  CustomerQuery,
  EnqueueNotificationInput,
  IngestEchoInput,
  IngestInboundInput,
  IngestInboundResult,
  InsertOutboundInput,
  KpiFacts,
  LiveEvent,
  MessageSearchQuery,
  KpiFactsQuery,
  Message,
  MessageQuery,
  Notification,
  NotificationAttempt,
  NotificationFilter,
  NotificationQuery,
  NotificationStatus,
  Page,
  ProviderTemplate,
  QueueTicketInput,
  QuickReply,
  QuickReplyPatch,
  QuickReplyQuery,
  RecordCsatAnswerInput,
  RecordCsatAnswerResult,
  RecordSendResultInput,
  SetProviderTemplateStatusInput,
  Store,
  StoredCalendar,
  Ticket,
  TicketChangeResult,
  TicketEvent,
  TicketQuery,
  Trigger,
  TriggerInput,
  UpsertCustomerInput,
  UpsertProviderTemplateInput,
} from '@switchboard/core';
import { StoreError } from '@switchboard/core';
import type { SqlClient } from './client/sql-client.js';
import { migrate } from './migrate.js';
import * as agents from './repos/agents.js';
import * as audit from './repos/audit.js';
import * as automation from './repos/automation.js';
import * as campaigns from './repos/campaigns.js';
import * as channelValues from './repos/channel-values.js';
import * as csat from './repos/csat.js';
import * as customers from './repos/customers.js';
import * as inbound from './repos/inbound.js';
import * as kpis from './repos/kpis.js';
import * as messages from './repos/messages.js';
import * as notifications from './repos/notifications.js';
import * as tickets from './repos/tickets.js';
import { LiveEventHub, LiveEventPublisher } from './repos/live-events.js';
import { searchMessages } from './repos/search.js';

export interface PostgresStoreConfig {
  /** Opens the SQL client (called by `init()`). */
  connect: () => Promise<SqlClient>;
  /** Run migrations in `init()` (default true). */
  migrate: boolean;
  /** The schema every object lives in. */
  schema: string;
}

/** Raw-row counts for the store contract's oracle (bypasses the repositories' queries). */
export interface PostgresOracle {
  countMessages(filter: { channelId: string; providerMessageId?: string }): Promise<number>;
  countNonClosedTickets(filter: { customerId: string; channelId: string }): Promise<number>;
  countAssignedNonClosed(agentId: string): Promise<number>;
  countCustomers(identity: string): Promise<number>;
  countNotifications(filter: { key?: string; status?: string }): Promise<number>;
  dump(): Promise<string>;
}

/**
 * Inbound statements one store runs at once before further messages wait and go in batches.
 * Measured at concurrency 8 on 2 cores (bench/inbound.ts): 2 used the least database CPU per
 * message, without raising latency (3 and 4 batch less; 3 with even shares too).
 */
const INBOUND_STATEMENTS_IN_FLIGHT = 2;

/**
 * The Switchboard store on PostgreSQL (server or PGlite). Every method delegates to a repository
 * module (`src/repos/*`) whose functions take the SQL client; guarantees live in the SQL itself
 * (constraints, row locks, one-statement CTEs, plpgsql functions), so they hold across processes.
 */
export class PostgresStore implements Store {
  readonly kind: string;
  /** The schema every table and function lives in. */
  readonly schemaName: string;
  readonly #config: PostgresStoreConfig;
  #client: SqlClient | undefined;
  #inbound: inbound.InboundBatcher | undefined;

  constructor(kind: 'postgres' | 'pglite', config: PostgresStoreConfig) {
    this.kind = kind;
    this.schemaName = config.schema;
    this.#config = config;
  }

  /** The SQL client (after `init()`), for tests, tools and benchmarks in this package. */
  get db(): SqlClient {
    if (!this.#client) throw this.#notInitialized();
    return this.#client;
  }

  #notInitialized(): StoreError {
    return new StoreError(`The ${this.kind} store is not initialized: call init() first.`, { code: 'store_not_initialized' });
  }

  async init(): Promise<void> {
    if (this.#client) return;
    const client = await this.#config.connect();
    try {
      if (this.#config.migrate) await migrate(client);
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    this.#client = client;
    // PGlite runs one statement at a time anyway: everything waiting goes in the next batch.
    this.#inbound = new inbound.InboundBatcher(client, {
      maxInFlight: client.kind === 'pglite' ? 1 : INBOUND_STATEMENTS_IN_FLIGHT,
      notifications: this.#publisher,
    });
  }

  async close(): Promise<void> {
    const client = this.#client;
    await this.#live.close();
    this.#client = undefined;
    this.#inbound = undefined;
    await client?.close();
  }

  // ------------------------------------------------------------------ live events

  readonly #live = new LiveEventHub(() => this.db);
  readonly #publisher = new LiveEventPublisher(() => this.db);

  publishEvent(event: LiveEvent): Promise<void> {
    return this.#publisher.publish(event);
  }
  subscribeEvents(listener: (event: LiveEvent) => void): Promise<() => Promise<void>> {
    return this.#live.subscribe(listener);
  }

  // ------------------------------------------------------------------ search and erasure

  searchMessages(query: MessageSearchQuery): Promise<Page<Message>> {
    return searchMessages(this.db, query);
  }
  eraseCustomer(input: { customerId: string; at: Date }): Promise<Customer | null> {
    return customers.eraseCustomer(this.db, input);
  }

  oracle(): PostgresOracle {
    const count = async (sql: string, params: unknown[]): Promise<number> => Number((await this.db.query<{ n: number }>(sql, params))[0]!.n);
    return {
      countMessages: (f) =>
        count('SELECT count(*)::int AS n FROM _sb_.messages WHERE channel_id = $1 AND ($2::text IS NULL OR provider_message_id = $2)', [
          f.channelId,
          f.providerMessageId ?? null,
        ]),
      countNonClosedTickets: (f) =>
        count(`SELECT count(*)::int AS n FROM _sb_.tickets WHERE customer_id = $1 AND channel_id = $2 AND status <> 'closed'`, [f.customerId, f.channelId]),
      countAssignedNonClosed: (agentId) => count(`SELECT count(*)::int AS n FROM _sb_.tickets WHERE assignee_id = $1 AND status <> 'closed'`, [agentId]),
      countCustomers: (identity) => count('SELECT count(*)::int AS n FROM _sb_.customers WHERE identity = $1', [identity]),
      countNotifications: (f) =>
        count('SELECT count(*)::int AS n FROM _sb_.notifications WHERE ($1::text IS NULL OR key = $1) AND ($2::text IS NULL OR status = $2)', [
          f.key ?? null,
          f.status ?? null,
        ]),
      dump: async () => {
        // Every row of every table of the schema, as JSON text: the erase contract greps it.
        const tables = await this.db.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [
          this.schemaName,
        ]);
        const parts: string[] = [];
        for (const { name } of tables) {
          const rows = await this.db.query<{ j: unknown }>(`SELECT coalesce(json_agg(t), '[]'::json)::text AS j FROM _sb_."${name}" t`);
          parts.push(`${name}: ${String(rows[0]!.j)}`);
        }
        return parts.join('\n');
      },
    };
  }

  // ------------------------------------------------------------------ agents

  createAgent(input: CreateAgentInput): Promise<Agent> {
    return agents.createAgent(this.db, input);
  }
  updateAgent(id: string, patch: AgentPatch): Promise<Agent | null> {
    return agents.updateAgent(this.db, id, patch);
  }
  setAgentStatus(input: { agentId: string; status: AgentStatus; at: Date }): Promise<{ agent: Agent; previous: AgentStatus } | null> {
    return agents.setAgentStatus(this.db, input);
  }
  getAgent(id: string): Promise<Agent | null> {
    return agents.getAgent(this.db, id);
  }
  listAgents(filter?: AgentFilter): Promise<AgentLoad[]> {
    return agents.listAgents(this.db, filter);
  }

  // ------------------------------------------------------------------ customers

  getCustomer(id: string): Promise<Customer | null> {
    return customers.getCustomer(this.db, id);
  }
  findCustomerByIdentity(identity: string): Promise<Customer | null> {
    return customers.findCustomerByIdentity(this.db, identity);
  }
  upsertCustomer(input: UpsertCustomerInput): Promise<{ customer: Customer; created: boolean }> {
    return customers.upsertCustomer(this.db, input);
  }
  updateCustomer(id: string, patch: CustomerPatch): Promise<Customer | null> {
    return customers.updateCustomer(this.db, id, patch);
  }
  listCustomers(query: CustomerQuery): Promise<Page<Customer>> {
    return customers.listCustomers(this.db, query);
  }
  getCustomerChannel(customerId: string, channelId: string): Promise<CustomerChannel | null> {
    return customers.getCustomerChannel(this.db, customerId, channelId);
  }
  addCustomerNote(input: { customerId: string; author: Actor; text: string; at: Date }): Promise<CustomerNote | null> {
    return customers.addCustomerNote(this.db, input);
  }
  listCustomerNotes(customerId: string): Promise<CustomerNote[]> {
    return customers.listCustomerNotes(this.db, customerId);
  }

  // ------------------------------------------------------------------ inbound

  ingestInbound(input: IngestInboundInput): Promise<IngestInboundResult> {
    if (!this.#inbound) throw this.#notInitialized();
    return this.#inbound.ingest(input);
  }
  ingestEcho(input: IngestEchoInput): Promise<{ duplicate: boolean; message: Message }> {
    return inbound.ingestEcho(this.db, input);
  }

  // ------------------------------------------------------------------ tickets

  getTicket(id: string): Promise<Ticket | null> {
    return tickets.getTicket(this.db, id);
  }
  listTickets(query: TicketQuery): Promise<Page<Ticket>> {
    return tickets.listTickets(this.db, query);
  }
  listQueuedTickets(query: { limit: number; channelId?: string; after?: { queuedAt: Date; id: string } }): Promise<Ticket[]> {
    return tickets.listQueuedTickets(this.db, query);
  }
  listInactiveTickets(query: { inactiveSince: Date; limit: number }): Promise<Ticket[]> {
    return tickets.listInactiveTickets(this.db, query);
  }
  assignTicket(input: AssignTicketInput): Promise<AssignTicketResult> {
    return tickets.assignTicket(this.db, input);
  }
  queueTicket(input: QueueTicketInput): Promise<TicketChangeResult> {
    return tickets.queueTicket(this.db, input);
  }
  changeTicketStatus(input: ChangeTicketStatusInput): Promise<TicketChangeResult> {
    return tickets.changeTicketStatus(this.db, input);
  }
  listTicketEvents(ticketId: string): Promise<TicketEvent[]> {
    return tickets.listTicketEvents(this.db, ticketId);
  }

  // ------------------------------------------------------------------ outbound messages

  insertOutboundMessage(input: InsertOutboundInput): Promise<Message> {
    return messages.insertOutboundMessage(this.db, input);
  }
  recordSendResult(input: RecordSendResultInput): Promise<Message | null> {
    return messages.recordSendResult(this.db, input);
  }
  applyDeliveryStatus(input: ApplyDeliveryStatusInput): Promise<ApplyDeliveryStatusResult> {
    return messages.applyDeliveryStatus(this.db, input);
  }
  purgeEarlyReceipts(input: { receivedBefore: Date }): Promise<number> {
    return messages.purgeEarlyReceipts(this.db, input);
  }
  retryMessage(input: { messageId: string; at: Date }): Promise<Message | null> {
    return messages.retryMessage(this.db, input);
  }
  getMessage(id: string): Promise<Message | null> {
    return messages.getMessage(this.db, id);
  }
  findMessageByProviderId(channelId: string, providerMessageId: string): Promise<Message | null> {
    return messages.findMessageByProviderId(this.db, channelId, providerMessageId);
  }
  listMessages(query: MessageQuery): Promise<Page<Message>> {
    return messages.listMessages(this.db, query);
  }

  // ------------------------------------------------------------------ channel storage

  getChannelValue(channelId: string, key: string): Promise<unknown> {
    return channelValues.getChannelValue(this.db, channelId, key);
  }
  setChannelValue(input: { channelId: string; key: string; value: unknown; at: Date }): Promise<void> {
    return channelValues.setChannelValue(this.db, input);
  }
  deleteChannelValue(channelId: string, key: string): Promise<void> {
    return channelValues.deleteChannelValue(this.db, channelId, key);
  }

  // ------------------------------------------------------------------ audit

  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<AuditEntry> {
    return audit.appendAudit(this.db, entry);
  }
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    return audit.listAudit(this.db, query);
  }

  // ================================================================== PG-B repositories
  // Notifications, campaigns, automation, KPIs and CSAT.

  enqueueNotification(input: EnqueueNotificationInput): Promise<{ notification: Notification; created: boolean }> {
    return notifications.enqueueNotification(this.db, input);
  }
  getNotification(id: string): Promise<Notification | null> {
    return notifications.getNotification(this.db, id);
  }
  findNotificationByKey(key: string): Promise<Notification | null> {
    return notifications.findNotificationByKey(this.db, key);
  }
  listNotifications(query: NotificationQuery): Promise<Page<Notification>> {
    return notifications.listNotifications(this.db, query);
  }
  countNotifications(filter: NotificationFilter): Promise<Record<NotificationStatus, number>> {
    return notifications.countNotifications(this.db, filter);
  }
  claimNotifications(input: { channelId: string; owner: string; now: Date; leaseMs: number; limit: number }): Promise<Notification[]> {
    return notifications.claimNotifications(this.db, input);
  }
  startNotificationSend(input: { notificationId: string; attempt: number; owner: string; at: Date }): Promise<boolean> {
    return notifications.startNotificationSend(this.db, input);
  }
  completeNotificationAttempt(input: CompleteNotificationAttemptInput): Promise<Notification | null> {
    return notifications.completeNotificationAttempt(this.db, input);
  }
  releaseNotifications(input: { owner: string; ids: string[]; at: Date }): Promise<number> {
    return notifications.releaseNotifications(this.db, input);
  }
  expireNotificationLeases(input: { now: Date; limit: number }): Promise<Notification[]> {
    return notifications.expireNotificationLeases(this.db, input);
  }
  applyNotificationStatus(input: ApplyDeliveryStatusInput): Promise<ApplyNotificationStatusResult> {
    return notifications.applyNotificationStatus(this.db, input);
  }
  retryNotification(input: { id: string; at: Date }): Promise<Notification | null> {
    return notifications.retryNotification(this.db, input);
  }
  resolveUncertainNotification(input: { id: string; action: 'resend' | 'mark-sent'; at: Date }): Promise<Notification | null> {
    return notifications.resolveUncertainNotification(this.db, input);
  }
  listNotificationAttempts(notificationId: string): Promise<NotificationAttempt[]> {
    return notifications.listNotificationAttempts(this.db, notificationId);
  }
  setCustomerOptOut(input: { customerId: string; optedOut: boolean; at: Date }): Promise<Customer | null> {
    return notifications.setCustomerOptOut(this.db, input);
  }
  createCampaign(input: CreateCampaignInput): Promise<Campaign> {
    return campaigns.createCampaign(this.db, input);
  }
  getCampaign(id: string): Promise<Campaign | null> {
    return campaigns.getCampaign(this.db, id);
  }
  listCampaigns(query: { limit: number; cursor?: string }): Promise<Page<Campaign>> {
    return campaigns.listCampaigns(this.db, query);
  }
  updateCampaign(id: string, patch: { status?: Campaign['status']; recipients?: number; at: Date }): Promise<Campaign | null> {
    return campaigns.updateCampaign(this.db, id, patch);
  }
  createQuickReply(input: CreateQuickReplyInput): Promise<QuickReply> {
    return automation.createQuickReply(this.db, input);
  }
  updateQuickReply(id: string, patch: QuickReplyPatch): Promise<QuickReply | null> {
    return automation.updateQuickReply(this.db, id, patch);
  }
  deleteQuickReply(id: string): Promise<boolean> {
    return automation.deleteQuickReply(this.db, id);
  }
  getQuickReply(id: string): Promise<QuickReply | null> {
    return automation.getQuickReply(this.db, id);
  }
  listQuickReplies(query: QuickReplyQuery): Promise<QuickReply[]> {
    return automation.listQuickReplies(this.db, query);
  }
  upsertProviderTemplate(input: UpsertProviderTemplateInput): Promise<ProviderTemplate> {
    return automation.upsertProviderTemplate(this.db, input);
  }
  getProviderTemplate(channelId: string, name: string, language: string): Promise<ProviderTemplate | null> {
    return automation.getProviderTemplate(this.db, channelId, name, language);
  }
  listProviderTemplates(query: { channelId?: string; status?: string; name?: string }): Promise<ProviderTemplate[]> {
    return automation.listProviderTemplates(this.db, query);
  }
  setProviderTemplateStatus(input: SetProviderTemplateStatusInput): Promise<ProviderTemplate | null> {
    return automation.setProviderTemplateStatus(this.db, input);
  }
  deleteProviderTemplate(id: string): Promise<boolean> {
    return automation.deleteProviderTemplate(this.db, id);
  }
  createTrigger(input: TriggerInput & { at: Date }): Promise<Trigger> {
    return automation.createTrigger(this.db, input);
  }
  updateTrigger(id: string, patch: Partial<TriggerInput> & { at: Date }): Promise<Trigger | null> {
    return automation.updateTrigger(this.db, id, patch);
  }
  deleteTrigger(id: string): Promise<boolean> {
    return automation.deleteTrigger(this.db, id);
  }
  getTrigger(id: string): Promise<Trigger | null> {
    return automation.getTrigger(this.db, id);
  }
  listTriggers(): Promise<Trigger[]> {
    return automation.listTriggers(this.db);
  }
  claimTriggerFiring(input: { triggerId: string; customerId: string; at: Date; cooldownMs: number }): Promise<boolean> {
    return automation.claimTriggerFiring(this.db, input);
  }
  setTicketHandoff(input: { ticketId: string; actor: Actor; at: Date }): Promise<{ ticket: Ticket; changed: boolean } | null> {
    return automation.setTicketHandoff(this.db, input);
  }
  saveCalendar(input: { id?: string; name: string; calendar: BusinessCalendar; at: Date }): Promise<StoredCalendar> {
    return automation.saveCalendar(this.db, input);
  }
  getCalendar(id: string): Promise<StoredCalendar | null> {
    return automation.getCalendar(this.db, id);
  }
  listCalendars(): Promise<StoredCalendar[]> {
    return automation.listCalendars(this.db);
  }
  deleteCalendar(id: string): Promise<boolean> {
    return automation.deleteCalendar(this.db, id);
  }
  listKpiFacts(query: KpiFactsQuery): Promise<KpiFacts> {
    return kpis.listKpiFacts(this.db, query);
  }
  refreshKpis(): Promise<number> {
    return kpis.refreshKpiLog(this.db);
  }

  computeKpiRollup(query: KpiRollupQuery): Promise<KpiRollupRow[]> {
    return kpis.computeKpiRollup(this.db, query);
  }
  createCsatRequest(input: CreateCsatRequestInput): Promise<CreateCsatRequestResult> {
    return csat.createCsatRequest(this.db, input);
  }
  recordCsatAnswer(input: RecordCsatAnswerInput): Promise<RecordCsatAnswerResult> {
    return csat.recordCsatAnswer(this.db, input);
  }
}

