/**
 * @switchboard/core — contracts (Driver, Store), the inbound pipeline, tickets, routing and
 * outbound replies. Storage and WhatsApp providers are separate packages that implement the
 * two contracts; `@switchboard/core/testing` holds the contract suites, the simulator driver
 * and a manual clock.
 *
 * @packageDocumentation
 */
export { createSwitchboard } from './switchboard.js';
export type { Switchboard, SwitchboardOptions, ChannelOptions, BuiltInStrategy, NotificationOptions } from './switchboard.js';
export type { NotificationService, SendNotificationInput, NotificationLogQuery } from './notifications/notification-service.js';
export type { CampaignService, CreateCampaignRequest, CampaignProgress } from './notifications/campaign-service.js';
export { DEFAULT_OPT_OUT_KEYWORDS, normalizeKeyword, type OptOutKeywords } from './notifications/opt-out-keywords.js';
export { fillPlaceholders, placeholdersOf } from './templates/placeholders.js';
export { normalizeText } from './text/normalize.js';
export type * from './templates/template-model.js';
export type * from './triggers/trigger-model.js';
export { SlidingWindowLimiter } from './notifications/rate-limiter.js';
export type { SwitchboardEvents, SwitchboardEventName } from './events.js';
export type * from './live/live-event.js';
export type { LiveEvents } from './live/live-hub.js';
export { isLiveEventName } from './live/live-summary.js';
export { searchableText, searchTerms, MAX_SEARCH_TEXT } from './messages/message-search.js';
export { ERASED_CONTENT, ERASED_TEXT, erasedIdentity } from './customers/erasure.js';

export type * from './driver/driver.js';
export { RuntimeDriver } from './driver/runtime-driver.js';
export type * from './store/store.js';
export { createRuntimeStore, type RuntimeStore } from './store/runtime-store.js';

export type * from './domain/model.js';
export { SYSTEM_ACTOR, NON_CLOSED_STATUSES } from './domain/model.js';
export type * from './domain/message-content.js';
export { previewContent, isWindowExempt } from './domain/message-content.js';
export { canAdvanceStatus, canAdvanceNotification } from './domain/delivery-status.js';
export type * from './notifications/notification-model.js';
export { NOTIFICATION_STATUSES } from './notifications/notification-model.js';
export { parseOutboundContent, parseInboundContent, parseInput } from './domain/content-schema.js';

export {
  SwitchboardError,
  ValidationError,
  InvalidPhoneError,
  UnknownChannelError,
  NotFoundError,
  ConflictError,
  TicketClosedError,
  IdempotencyConflictError,
  ForbiddenError,
  AgentAtCapacityError,
  WindowClosedError,
  UnsupportedContentError,
  LifecycleError,
  DriverError,
  StoreError,
  isSwitchboardError,
} from './errors.js';
export type { SwitchboardErrorOptions, ValidationIssue, EntityKind, DriverErrorOptions } from './errors.js';

export { systemClock, every, type Clock, type TimerHandle } from './clock.js';
export { silentLogger, childLogger, errorForLog, type Logger } from './logger.js';
export { newId, type IdPrefix } from './ids.js';

export { normalizePhone, phoneFromWaId, canonicalizeWhatsAppDigits, toLatinDigits, isE164 } from './phone/phone-number.js';
export type { E164, NormalizePhoneOptions } from './phone/phone-number.js';
export { parseWhatsAppId, phoneFromWhatsAppId, chatIdFromPhone, type WhatsAppId } from './phone/whatsapp-id.js';

export { statusFromAck, ACK_NAMES } from './whatsapp-web/ack.js';
export { senderFromChatId } from './whatsapp-web/sender.js';
export { dateFromUnix } from './whatsapp-web/timestamp.js';
export { meaningOfSocketState, type SocketStateMeaning } from './whatsapp-web/socket-state.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { Reconnector } from './whatsapp-web/reconnect.js';
export { resolveChatId, chatIdCacheKey, type ResolveChatIdInput, type ResolvedChatId } from './whatsapp-web/canonical-chat-id.js';
export {
  saveSessionSnapshot,
  loadSessionSnapshot,
  deleteSessionSnapshot,
  sessionSnapshotInfo,
  SNAPSHOT_CHUNK_CHARS,
  type SessionSnapshotInfo,
} from './whatsapp-web/session-snapshot.js';
export { shutDownBrowser, hasExited, SAFE_CHROMIUM_FLAGS, type BrowserProcess, type ShutDownBrowserInput, type ShutDownOutcome } from './whatsapp-web/browser-process.js';
export { contentFromWebMessage, isWebSystemMessage, parseVCard, WEB_SYSTEM_MESSAGE_TYPES, type WebMessageFields } from './whatsapp-web/message-content.js';

export type { RoutingStrategy, RoutingContext } from './routing/routing-strategy.js';
export { routingAssignment, routingCandidates, storeRankingOrder } from './routing/routing-strategy.js';
export { leastLoaded } from './routing/least-loaded.js';
export { roundRobin } from './routing/round-robin.js';
export { sticky } from './routing/sticky.js';

export type { AgentService, CreateAgent, UpdateAgent } from './agents/agent-service.js';
export type { CustomerService } from './customers/customer-service.js';
export type { TicketService, TicketActionOptions, TransferTarget } from './tickets/ticket-service.js';
export { laterDate, ticketAfterAssign, ticketAfterQueue, ticketAfterStatusChange } from './tickets/ticket-transitions.js';
export type { MessageService, SendMessageInput, MessageSearchInput } from './messages/message-service.js';
export type { TemplateService, CreateQuickReplyRequest, ProviderTemplateDefinition, RenderContext } from './templates/template-service.js';
export { buildTemplateContent, checkTemplateContent, expectationOf, type TemplateParams, type MediaParam } from './templates/provider-template-builder.js';
export type { TriggerService } from './triggers/trigger-service.js';
export type { CreateTriggerRequest, UpdateTriggerRequest } from './triggers/trigger-schema.js';
export { matchesTrigger } from './triggers/trigger-matcher.js';
export { DEFAULT_HANDOFF_KEYWORDS } from './switchboard.js';
export type { InboundResult } from './inbound/inbound-pipeline.js';
export type { InboundHook, InboundCandidate, InboundStored } from './inbound/inbound-hook.js';
export type { WebhookHandler, NodeWebhookOptions } from './webhooks/webhook-handler.js';
export { DEFAULT_MAX_WEBHOOK_BYTES } from './webhooks/webhook-handler.js';

// ---------------------------------------------------------------- kpis, csat, business hours
export type * from './kpis/kpi-facts.js';
export type { KpiMetrics, KpiDuration, SlaCounts, KpiRollupRow } from './kpis/kpi-metrics.js';
export { emptyMetrics, finalizeMetrics, additiveKpiFields, percentile, durationStats } from './kpis/kpi-metrics.js';
export type { KpiOptions, KpiRange, SlaPolicy, KpiDimension, KpiPeriod, KpiRollupQuery, ResolvedKpiOptions, ResolvedSla } from './kpis/kpi-options.js';
export { resolveKpiOptions, parseKpiRange, parseKpiRollupQuery, DEFAULT_DELAY_THRESHOLD_MS } from './kpis/kpi-options.js';
export { replayKpis, type KpiReplay, type KpiIncidents, type DelayEvent, type SlaBreach, type SlaTarget } from './kpis/kpi-replay.js';
export type { KpiSamples, KpiKeys } from './kpis/kpi-samples.js';
export { rollupKpis, aggregateKpis, normalizeKpiRows } from './kpis/kpi-rollup.js';
export type {
  KpiService,
  KpiReport,
  AgentKpiReport,
  TeamKpiReport,
  DashboardKpiReport,
  KpiPeriodMetrics,
  KeyedKpiMetrics,
  KpiRollupInput,
  KpiIncidentFilter,
} from './kpis/kpi-service.js';
export { parseCsatRating } from './kpis/csat-rating.js';
export { DEFAULT_CSAT_TEXT, type CsatOptions, type CsatService, type CsatSkipReason } from './kpis/csat-service.js';
export type { BusinessCalendar, OpeningInterval, WeeklyHours, Weekday } from './hours/business-calendar.js';
export { parseBusinessCalendar, businessCalendarSchema } from './hours/business-calendar.js';
export { isOpen, nextOpening, openingVariables } from './hours/opening.js';
export type { HoursService, SaveCalendarRequest } from './hours/hours-service.js';
export { businessMsBetween, addBusinessMs, openIntervals, compileCalendar, CompiledCalendar, type Instant } from './hours/business-time.js';
export { canonicalTimeZone, zoneOffsets, ZoneOffsets } from './hours/time-zone.js';
