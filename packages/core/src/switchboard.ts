import { EventEmitter } from 'eventemitter3';
import { AgentService } from './agents/agent-service.js';
import { every, systemClock, type Clock } from './clock.js';
import type { Channel, CoreContext, Emit } from './context.js';
import { CustomerService } from './customers/customer-service.js';
import type { AuditEntry, Page } from './domain/model.js';
import type { ChannelStorage, ConnectionStateEvent, Driver, DriverCapabilities, DriverEvent, MessageReceivedEvent } from './driver/driver.js';
import { RuntimeDriver } from './driver/runtime-driver.js';
import { LifecycleError, UnknownChannelError, ValidationError } from './errors.js';
import type { SwitchboardEvents } from './events.js';
import { InboundPipeline, type InboundResult } from './inbound/inbound-pipeline.js';
import { childLogger, errorForLog, silentLogger, type Logger } from './logger.js';
import { MessageService } from './messages/message-service.js';
import { leastLoaded } from './routing/least-loaded.js';
import { roundRobin } from './routing/round-robin.js';
import { Router } from './routing/router.js';
import type { RoutingStrategy } from './routing/routing-strategy.js';
import { sticky } from './routing/sticky.js';
import { createRuntimeStore, type RuntimeStore } from './store/runtime-store.js';
import type { AuditQuery, Store } from './store/store.js';
import { TicketService } from './tickets/ticket-service.js';
import { WebhookHandler } from './webhooks/webhook-handler.js';
import { CampaignService } from './notifications/campaign-service.js';
import { NotificationDispatcher, type LaneSettings } from './notifications/dispatcher.js';
import type { Notification } from './notifications/notification-model.js';
import { NotificationService } from './notifications/notification-service.js';
import { DEFAULT_OPT_OUT_KEYWORDS, optOutKeywordsHook, type OptOutKeywords } from './notifications/opt-out-keywords.js';
import { normalizePhone } from './phone/phone-number.js';
import { TemplateService } from './templates/template-service.js';
import { TriggerService } from './triggers/trigger-service.js';
import { HoursService } from './hours/hours-service.js';
import { triggerHook } from './triggers/trigger-hook.js';
import type { MessageContent } from './domain/message-content.js';
import { CsatService, type CsatOptions } from './kpis/csat-service.js';
import { KpiService } from './kpis/kpi-service.js';
import { resolveKpiOptions, type KpiOptions } from './kpis/kpi-options.js';
import { LiveHub, resolveInstanceId, type LiveEvents } from './live/live-hub.js';

const MINUTE_MS = 60_000;

/** Whole messages that ask for a person (English and Arabic). */
export const DEFAULT_HANDOFF_KEYWORDS = ['agent', 'human', 'operator', 'representative', 'موظف', 'خدمة العملاء', 'اريد موظف', 'كلم موظف'];

/** A channel given with options instead of a bare driver. */
export interface ChannelOptions {
  driver: Driver;
  /** Branch given to every ticket opened on this channel (e.g. one WAHA session per team). */
  branch?: string | null;
  /** A stored business-hours calendar (`sb.hours.save`): while it is closed, new tickets stay queued. */
  calendarId?: string | null;
}

export type BuiltInStrategy = 'least-loaded' | 'round-robin' | 'sticky';

export interface NotificationOptions {
  /** Channel for `notifications.send` without `channel` (default: the only channel). */
  defaultChannel?: string;
  /** Staff and other numbers that must never receive notifications (skipped: blocked). */
  blockedNumbers?: string[];
  /** Your own check, e.g. against the ERP's staff table (E.164 in). */
  isBlocked?: (phone: string) => boolean | Promise<boolean>;
  /** Whole-message keywords that opt a customer out / back in; `false` turns them off. */
  keywords?: Partial<OptOutKeywords> | false;
  /** Per channel: sends per second (default 80, the Cloud API's per-number rate) and concurrency (default 16). */
  rateLimits?: Record<string, Partial<LaneSettings>>;
  dispatcher?: {
    /** Dispatch in this process (default true). */
    enabled?: boolean;
    /** How often due notifications are looked for (default 1 s; enqueueing also wakes it). */
    pollIntervalMs?: number;
    /** Lease per claimed notification; an expired `sending` lease becomes `uncertain` (default 5 min). */
    leaseMs?: number;
    /** Attempts before giving up on retryable errors (default 6). */
    maxAttempts?: number;
    /** Exponential backoff with jitter: first delay (default 2 s) and cap (default 15 min). */
    backoff?: { baseMs?: number; maxMs?: number };
    /** After a timeout on a reference-echoing channel, wait this long for the status webhook (default 2 min). */
    reconcileGraceMs?: number;
    /** Randomness for jitter (tests inject a fixed one). */
    random?: () => number;
  };
}

export interface SwitchboardOptions {
  /** Where everything is persisted (`memoryStore()`, `postgresStore(...)`). */
  store: Store;
  /** WhatsApp connections by channel id. */
  channels: Record<string, Driver | ChannelOptions>;
  routing?: {
    /** Built-in name or your own strategy. Default `least-loaded`. */
    strategy?: BuiltInStrategy | RoutingStrategy;
    /** Calendar for channels that do not name their own: tickets queue while it is closed. */
    calendarId?: string;
  };
  tickets?: {
    /** A customer message this soon after a ticket closed reopens it (default 30 min; 0 never). */
    reopenWindowMs?: number;
    /** Close non-closed tickets idle this long (default 24 h; null disables). */
    autoCloseAfterMs?: number | null;
  };
  notifications?: NotificationOptions;
  triggers?: {
    /** Whole messages that hand the customer to a human at once (default: agent, human, موظف, ...). */
    handoffKeywords?: string[];
    /** Sent when a customer asks for a human (default none). */
    handoffReply?: string | null;
    /** Bot replies stay silent once a human replied on the ticket: ever (null, default) or within this many ms. */
    botReplyGuardMs?: number | null;
    /**
     * Inbound evaluation reuses the rules it read from the store for this long (default 5 s; 0
     * reads them for every message). Changes made through this instance apply at once; changes
     * made by another instance on the same store, within this time.
     */
    rulesCacheMs?: number;
  };
  /** How often background work runs: auto-close and draining the queue (default 1 min). */
  maintenanceIntervalMs?: number;
  /** ISO country for phone numbers typed without an international prefix (e.g. `EG`). */
  defaultCountry?: string;
  // ---------------------------------------------------------------- kpis and csat
  /** Defaults for `sb.kpis` (time zone, business hours, delay threshold, SLA); each call may override. */
  kpis?: KpiOptions;
  /** Satisfaction survey after each close (off by default). */
  csat?: CsatOptions;
  /**
   * This instance's id among several sharing one store: the `origin` of its live events
   * (default: a random `ins_…`). 1–64 letters, digits, `_ . : -`.
   */
  instanceId?: string;
  clock?: Clock;
  /** pino-compatible logger; quiet by default. */
  logger?: Logger;
}

/** The object `createSwitchboard` returns. */
export interface Switchboard extends Pick<EventEmitter<SwitchboardEvents>, 'on' | 'once' | 'off' | 'removeAllListeners' | 'listenerCount'> {
  readonly agents: AgentService;
  readonly customers: CustomerService;
  readonly tickets: TicketService;
  readonly messages: MessageService;
  readonly notifications: NotificationService;
  readonly campaigns: CampaignService;
  readonly templates: TemplateService;
  readonly triggers: TriggerService;
  readonly hours: HoursService;
  readonly webhooks: WebhookHandler;
  readonly audit: { list(query?: Partial<AuditQuery>): Promise<Page<AuditEntry>> };
  /** Response, reply and resolution times, delays, SLA, CSAT and agent time (docs/kpis.md). */
  readonly kpis: KpiService;
  /**
   * Live events for UIs (SSE, websockets): small summaries of this instance's events and, when
   * the store shares events (Postgres), of every other instance's. `sb.on` stays local.
   */
  readonly live: LiveEvents;
  readonly routing: {
    /** Name of the routing strategy in use. */
    readonly strategy: string;
    /** Assign queued tickets now (also runs on its own when capacity frees). */
    drain(): Promise<void>;
  };
  readonly channels: {
    ids(): string[];
    capabilities(channelId: string): DriverCapabilities;
    /** The last connection state the channel reported. */
    state(channelId: string): ConnectionStateEvent | undefined;
  };
  /** The store, wrapped by core (lifecycle guards, uniform errors). */
  readonly store: RuntimeStore;
  readonly clock: Clock;
  /** Initialize the store, start every channel, start background work. Idempotent. */
  start(): Promise<void>;
  /** Stop background work and channels, wait for in-flight events, close the store. Idempotent. */
  stop(): Promise<void>;
  /**
   * Feed one normalized event for a channel, as a driver would (for hosts with their own
   * transport). Resolves when it is stored.
   */
  dispatch(channelId: string, event: DriverEvent): Promise<void>;
  /** Ingest one customer message and get the outcome (stored message, ticket, customer, or duplicate). */
  receive(channelId: string, event: MessageReceivedEvent): Promise<InboundResult>;
  /** Run background work now: auto-close idle tickets, drain the queue, drop day-old unmatched receipts. */
  runMaintenance(): Promise<void>;
}

function channelStorage(store: RuntimeStore, channelId: string, clock: Clock): ChannelStorage {
  const checkKey = (key: string): void => {
    if (typeof key !== 'string' || key.length === 0 || key.length > 256) {
      throw new ValidationError('Channel storage keys are 1–256 characters.', [{ path: 'key', message: 'invalid' }]);
    }
  };
  return {
    get: async <T>(key: string) => {
      checkKey(key);
      return (await store.getChannelValue(channelId, key)) as T | null;
    },
    set: async (key, value) => {
      checkKey(key);
      if (value === undefined || JSON.stringify(value) === undefined) {
        throw new ValidationError('Channel storage values must be JSON-serializable.', [{ path: 'value', message: 'not JSON' }]);
      }
      await store.setChannelValue({ channelId, key, value, at: clock.now() });
    },
    delete: async (key) => {
      checkKey(key);
      await store.deleteChannelValue(channelId, key);
    },
  };
}

function dispatcherSettings(options: NotificationOptions, channel: (id: string) => unknown) {
  const d = options.dispatcher ?? {};
  const positive = (value: number | undefined, path: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0) throw new ValidationError(`${path} must be a positive number.`, [{ path, message: 'invalid' }]);
    return value;
  };
  const blocked = new Set<string>();
  for (const [i, phone] of (options.blockedNumbers ?? []).entries()) {
    try {
      blocked.add(normalizePhone(phone));
    } catch (error) {
      throw new ValidationError(`notifications.blockedNumbers[${i}] "${phone}" is not a valid phone number.`, [
        { path: `notifications.blockedNumbers.${i}`, message: (error as Error).message },
      ]);
    }
  }
  const rateLimits = options.rateLimits ?? {};
  for (const [id, limits] of Object.entries(rateLimits)) {
    channel(id);
    positive(limits.ratePerSecond, `notifications.rateLimits.${id}.ratePerSecond`, 1);
    positive(limits.concurrency, `notifications.rateLimits.${id}.concurrency`, 1);
  }
  const isBlocked = options.isBlocked;
  return {
    enabled: d.enabled ?? true,
    pollIntervalMs: positive(d.pollIntervalMs, 'notifications.dispatcher.pollIntervalMs', 1000),
    leaseMs: positive(d.leaseMs, 'notifications.dispatcher.leaseMs', 5 * MINUTE_MS),
    maxAttempts: Math.floor(positive(d.maxAttempts, 'notifications.dispatcher.maxAttempts', 6)),
    backoff: {
      baseMs: positive(d.backoff?.baseMs, 'notifications.dispatcher.backoff.baseMs', 2000),
      maxMs: positive(d.backoff?.maxMs, 'notifications.dispatcher.backoff.maxMs', 15 * MINUTE_MS),
      random: d.random ?? Math.random,
    },
    reconcileGraceMs: positive(d.reconcileGraceMs, 'notifications.dispatcher.reconcileGraceMs', 2 * MINUTE_MS),
    lanes: (channelId: string): LaneSettings => ({
      ratePerSecond: Math.floor(rateLimits[channelId]?.ratePerSecond ?? 80),
      concurrency: Math.floor(rateLimits[channelId]?.concurrency ?? 16),
    }),
    isBlocked: async (phone: string) => blocked.has(phone) || (isBlocked ? await isBlocked(phone) : false),
  };
}

function resolveStrategy(strategy: BuiltInStrategy | RoutingStrategy | undefined): RoutingStrategy {
  if (strategy === undefined || strategy === 'least-loaded') return leastLoaded();
  if (strategy === 'round-robin') return roundRobin();
  if (strategy === 'sticky') return sticky();
  if (typeof strategy === 'object' && typeof strategy.rank === 'function' && typeof strategy.name === 'string') return strategy;
  throw new ValidationError(`Unknown routing strategy ${JSON.stringify(strategy)}: use least-loaded, round-robin, sticky or an object with name and rank().`, [
    { path: 'routing.strategy', message: 'unknown strategy' },
  ]);
}

function isDriver(value: unknown): value is Driver {
  const d = value as Driver | null;
  return !!d && typeof d === 'object' && typeof d.send === 'function' && typeof d.start === 'function' && typeof d.stop === 'function' && !!d.capabilities;
}

/** Buffered receipts for messages never recorded are dropped after a day (see `Store.purgeEarlyReceipts`). */
const EARLY_RECEIPT_TTL_MS = 24 * 60 * MINUTE_MS;

function nonNegative(value: number | null | undefined, path: string, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (!Number.isFinite(value) || value < 0) throw new ValidationError(`${path} must be a non-negative number of milliseconds.`, [{ path, message: 'invalid' }]);
  return value;
}

class SwitchboardImpl extends EventEmitter<SwitchboardEvents> implements Switchboard {
  readonly agents: AgentService;
  readonly customers: CustomerService;
  readonly tickets: TicketService;
  readonly messages: MessageService;
  readonly notifications: NotificationService;
  readonly campaigns: CampaignService;
  readonly templates: TemplateService;
  readonly triggers: TriggerService;
  readonly hours: HoursService;
  readonly webhooks: WebhookHandler;
  readonly audit: Switchboard['audit'];
  readonly kpis: KpiService;
  readonly live: LiveEvents;
  readonly routing: Switchboard['routing'];
  readonly channels: Switchboard['channels'];
  readonly store: RuntimeStore;
  readonly clock: Clock;

  readonly #logger: Logger;
  readonly #channels = new Map<string, Channel>();
  readonly #inbound: InboundPipeline;
  readonly #csat: CsatService;
  readonly #router: Router;
  readonly #dispatcher: NotificationDispatcher;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #live: LiveHub;
  readonly #maintenanceIntervalMs: number;
  #stopMaintenance: (() => void) | undefined;
  #startPromise: Promise<void> | undefined;
  #stopPromise: Promise<void> | undefined;

  constructor(options: SwitchboardOptions) {
    super();
    if (!options || typeof options !== 'object') throw new ValidationError('createSwitchboard() needs an options object.', []);
    const store = options.store as Store | undefined;
    if (!store || typeof store.init !== 'function' || typeof store.ingestInbound !== 'function') {
      throw new ValidationError('createSwitchboard({ store }) needs a Store (e.g. memoryStore() from @switchboard/storage-memory).', [
        { path: 'store', message: 'required' },
      ]);
    }
    if (!options.channels || typeof options.channels !== 'object') {
      throw new ValidationError('createSwitchboard({ channels }) needs an object of channel id → driver.', [{ path: 'channels', message: 'required' }]);
    }
    this.clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.store = createRuntimeStore(store, childLogger(this.#logger, { component: 'store' }));

    for (const [id, value] of Object.entries(options.channels)) {
      const config: ChannelOptions = isDriver(value) ? { driver: value } : (value as ChannelOptions);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
        throw new ValidationError(`Channel id "${id}" must be 1–64 letters, digits, _ or -.`, [{ path: `channels.${id}`, message: 'invalid id' }]);
      }
      if (!isDriver(config?.driver)) {
        throw new ValidationError(`Channel "${id}" needs a driver (an object with start, stop, send and capabilities).`, [
          { path: `channels.${id}`, message: 'not a driver' },
        ]);
      }
      const logger = childLogger(this.#logger, { channel: id, driver: config.driver.kind });
      this.#channels.set(id, {
        id,
        driver: new RuntimeDriver(id, config.driver, logger),
        branch: config.branch ?? null,
        calendarId: config.calendarId ?? options.routing?.calendarId ?? null,
      });
    }

    this.#live = new LiveHub({
      store: this.store,
      clock: this.clock,
      logger: childLogger(this.#logger, { component: 'live' }),
      instanceId: resolveInstanceId(options.instanceId),
      track: (work) => void this.#track(work),
    });
    this.live = this.#live;
    const emit: Emit = (name, payload) => {
      try {
        (this.emit as (n: string, p: unknown) => boolean)(name, payload);
      } catch (error) {
        this.#logger.error({ event: name, err: errorForLog(error) }, 'event listener threw');
      }
      this.#live.publish(name, payload);
      // csat: every close (by an agent or auto-close) may send a rating request; tracked so stop() waits.
      if (name === 'ticket.closed' && this.#csat.enabled) {
        const { ticket, event } = payload as Parameters<SwitchboardEvents['ticket.closed']>[0];
        void this.#track(this.#csat.onClosed(ticket, event));
      }
    };
    const ctx: CoreContext = {
      store: this.store,
      clock: this.clock,
      logger: this.#logger,
      emit,
      channel: (id) => {
        const channel = this.#channels.get(id);
        if (!channel) throw new UnknownChannelError(id);
        return channel;
      },
      channelIds: () => [...this.#channels.keys()],
      defaultCountry: options.defaultCountry,
    };

    this.hours = new HoursService(ctx);
    this.#router = new Router(ctx, resolveStrategy(options.routing?.strategy), async (channelId, at) => {
      const calendarId = ctx.channel(channelId).calendarId;
      if (!calendarId) return null;
      const state = await this.hours.state(calendarId, at);
      return { open: state.open, nextOpening: state.nextOpening };
    });
    this.agents = new AgentService(ctx, this.#router);
    this.customers = new CustomerService(ctx);
    this.tickets = new TicketService(ctx, this.#router, {
      autoCloseAfterMs: nonNegative(options.tickets?.autoCloseAfterMs, 'tickets.autoCloseAfterMs', 24 * 60 * MINUTE_MS),
    });
    const notificationChanged = (notification: Notification, previous: Notification['status']): void => {
      if (notification.status !== previous && notification.status !== 'sending' && notification.status !== 'pending') {
        emit(`notification.${notification.status}`, { notification });
      }
    };
    this.templates = new TemplateService(ctx, () => this.messages);
    const assertSendable = (channelId: string, content: MessageContent) => this.templates.assertSendable(channelId, content);
    this.messages = new MessageService(ctx, notificationChanged, assertSendable);
    this.#inbound = new InboundPipeline(ctx, this.#router, this.messages, {
      reopenWindowMs: nonNegative(options.tickets?.reopenWindowMs, 'tickets.reopenWindowMs', 30 * MINUTE_MS) ?? 0,
      onTemplateStatus: (channelId, event) => this.templates.applyStatus(channelId, event),
    });
    this.triggers = new TriggerService(ctx, (id) => this.hours.exists(id), nonNegative(options.triggers?.rulesCacheMs, 'triggers.rulesCacheMs', 5_000) ?? 0);
    const notify = options.notifications ?? {};
    if (notify.defaultChannel !== undefined) ctx.channel(notify.defaultChannel);
    this.#dispatcher = new NotificationDispatcher(ctx, { ...dispatcherSettings(notify, (id) => ctx.channel(id)), assertSendable }, notificationChanged);
    this.notifications = new NotificationService(ctx, this.#dispatcher, { defaultChannel: notify.defaultChannel ?? null }, assertSendable);
    this.campaigns = new CampaignService(ctx, this.notifications);
    if (notify.keywords !== false) {
      this.#inbound.use(optOutKeywordsHook(ctx, { ...DEFAULT_OPT_OUT_KEYWORDS, ...(notify.keywords ?? {}) }));
    }
    const triggerOptions = options.triggers ?? {};
    this.#inbound.use(
      triggerHook(
        ctx,
        {
          tickets: this.tickets,
          messages: this.messages,
          customers: this.customers,
          templates: this.templates,
          router: this.#router,
          rules: () => this.triggers.rulesForEvaluation(),
          calendarState: (calendarId, at) => this.hours.state(calendarId, at),
        },
        {
          handoffKeywords: triggerOptions.handoffKeywords ?? DEFAULT_HANDOFF_KEYWORDS,
          handoffReply: triggerOptions.handoffReply ?? null,
          botReplyGuardMs: nonNegative(triggerOptions.botReplyGuardMs, 'triggers.botReplyGuardMs', null),
        },
      ),
    );
    this.webhooks = new WebhookHandler(ctx);
    // kpis and csat
    this.kpis = new KpiService(ctx, resolveKpiOptions(options.kpis));
    this.#csat = new CsatService(ctx, this.messages, options.csat);
    this.#inbound.use(this.#csat.hook);
    this.#maintenanceIntervalMs = nonNegative(options.maintenanceIntervalMs, 'maintenanceIntervalMs', MINUTE_MS) || MINUTE_MS;

    const router = this.#router;
    this.routing = {
      get strategy() {
        return router.strategyName;
      },
      drain: () => router.drain(),
    };
    this.audit = {
      list: (query = {}) => this.store.listAudit({ limit: 100, ...query }),
    };
    this.channels = {
      ids: () => [...this.#channels.keys()],
      capabilities: (id) => ctx.channel(id).driver.capabilities,
      state: (id) => {
        ctx.channel(id);
        return this.#inbound.connectionState(id);
      },
    };
  }

  start(): Promise<void> {
    if (this.#stopPromise) return Promise.reject(new LifecycleError('stopped', 'This Switchboard was stopped; create a new one.'));
    this.#startPromise ??= (async () => {
      await this.store.init();
      await this.#live.start();
      for (const channel of this.#channels.values()) {
        await channel.driver.start({
          channelId: channel.id,
          emit: (event) => this.dispatch(channel.id, event),
          logger: childLogger(this.#logger, { channel: channel.id }),
          clock: this.clock,
          storage: channelStorage(this.store, channel.id, this.clock),
        });
      }
      this.#stopMaintenance = every(this.clock, this.#maintenanceIntervalMs, () => this.#track(this.runMaintenance().catch(() => undefined)));
      this.#dispatcher.start();
      await this.#router.drain();
      this.#logger.info({ channels: [...this.#channels.keys()], store: this.store.kind }, 'switchboard started');
    })();
    return this.#startPromise;
  }

  stop(): Promise<void> {
    this.#stopPromise ??= (async () => {
      this.#stopMaintenance?.();
      if (this.#startPromise) await this.#startPromise.catch(() => undefined);
      await this.#dispatcher.stop();
      this.#router.stop();
      await Promise.all([...this.#channels.values()].map((c) => c.driver.stop()));
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      await this.#live.stop();
      await this.store.close();
      this.#logger.info({}, 'switchboard stopped');
    })();
    return this.#stopPromise;
  }

  dispatch(channelId: string, event: DriverEvent): Promise<void> {
    if (this.#stopPromise) return Promise.reject(new LifecycleError('stopped', 'This Switchboard is stopping or stopped.'));
    return this.#track(this.#inbound.handle(channelId, event));
  }

  receive(channelId: string, event: MessageReceivedEvent): Promise<InboundResult> {
    return this.#track(this.#inbound.receive(channelId, event));
  }

  async runMaintenance(): Promise<void> {
    try {
      await this.tickets.closeInactive();
      await this.#router.drain();
      if (this.store.purgeEarlyReceipts) {
        await this.store.purgeEarlyReceipts({ receivedBefore: new Date(this.clock.now().getTime() - EARLY_RECEIPT_TTL_MS) });
      }
      if (this.store.refreshKpis) await this.store.refreshKpis();
    } catch (error) {
      this.#logger.error({ err: errorForLog(error) }, 'maintenance failed');
      (this.emit as (n: string, p: unknown) => boolean)('error', { error: error as Error, context: 'maintenance' });
      throw error;
    }
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const done = (): void => {
      this.#inFlight.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }
}

/**
 * Create a Switchboard: a service desk and notification channel over your store and WhatsApp
 * channels. Call `start()` before use and `stop()` on shutdown.
 *
 * @throws ValidationError for a missing store, a channel without a driver, bad settings.
 */
export function createSwitchboard(options: SwitchboardOptions): Switchboard {
  return new SwitchboardImpl(options);
}
