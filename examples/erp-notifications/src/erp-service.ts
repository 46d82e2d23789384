import { createSwitchboard, normalizePhone, ValidationError, type Clock, type Driver, type NotificationOptions, type Store, type Switchboard } from '@switchboard/core';
import { z } from 'zod';
import { ErpDomain, type DeliveryAttempt, type Engineer, type Enquiry, type NewEnquiry, type NewOrder, type NewServiceRequest, type Order, type ServiceRequest } from './erp-domain.js';
import { ErpNotifier, type NotifyOutcome } from './erp-notifications.js';

export interface ErpServiceOptions {
  store: Store;
  /** The WhatsApp number notifications go out from (the simulator in the demo). */
  driver: Driver;
  clock?: Clock;
  /** Field engineers; their phones are staff phones and never receive notifications. */
  engineers?: Engineer[];
  /** Other staff numbers that must never be notified (office phones, managers). */
  staffPhones?: string[];
  /** Where customers track a service request and leave feedback, e.g. `https://erp.example.com`. */
  portalUrl: string;
  /** ISO country for numbers typed without a prefix (default `EG`). */
  defaultCountry?: string;
  /** Passed through to Switchboard (rate limits, dispatcher timing). */
  notifications?: Omit<NotificationOptions, 'blockedNumbers' | 'isBlocked' | 'defaultChannel'>;
}

const optionsSchema = z.object({
  portalUrl: z.url({ protocol: /^https?$/ }),
  engineers: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), phone: z.string().min(1) })).optional(),
  staffPhones: z.array(z.string()).optional(),
  defaultCountry: z.string().length(2).optional(),
});

/** What an ERP action did: the record after the change and the notification it fired. */
export interface ErpResult<T> {
  record: T;
  notification: NotifyOutcome;
}

/** The ERP's after-sales actions, each firing its notification through Switchboard. */
export interface ErpService {
  readonly sb: Switchboard;
  readonly domain: ErpDomain;
  readonly notifier: ErpNotifier;
  createEnquiry(input: NewEnquiry): Promise<ErpResult<Enquiry>>;
  createServiceRequest(input: NewServiceRequest): Promise<ErpResult<ServiceRequest>>;
  assignEngineer(serviceId: string, engineerId: string): Promise<ErpResult<ServiceRequest>>;
  completeService(serviceId: string): Promise<ErpResult<ServiceRequest>>;
  /** Orders notify nothing when created; their deliveries do. */
  createOrder(input: NewOrder): Order;
  deliveryFailed(orderId: string, reason: string): Promise<ErpResult<{ order: Order; attempt: DeliveryAttempt }>>;
  rescheduleDelivery(orderId: string, date: string): Promise<ErpResult<{ order: Order; attempt: DeliveryAttempt }>>;
}

const CHANNEL = 'erp';

/**
 * Build the ERP service and its Switchboard (call `sb.start()` before use, `sb.stop()` after).
 * @throws ValidationError naming the option when an option is invalid
 */
export function createErpService(options: ErpServiceOptions): ErpService {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    throw new ValidationError(`@switchboard/example-erp-notifications: option ${path} ${issue.message}`, [{ path, message: issue.message }]);
  }
  const defaultCountry = options.defaultCountry ?? 'EG';
  const engineers = (options.engineers ?? []).map((engineer, i) => ({ ...engineer, phone: phoneOption(engineer.phone, `engineers.${i}.phone`, defaultCountry) }));
  const staffPhones = (options.staffPhones ?? []).map((phone, i) => phoneOption(phone, `staffPhones.${i}`, defaultCountry));
  const clock = options.clock;
  const domain = new ErpDomain({ engineers, now: () => sb.clock.now() });
  const sb = createSwitchboard({
    store: options.store,
    channels: { [CHANNEL]: options.driver },
    defaultCountry,
    ...(clock ? { clock } : {}),
    notifications: {
      ...options.notifications,
      blockedNumbers: staffPhones,
      // Checked at send time against the ERP's own staff table.
      isBlocked: (phone) => domain.engineers().some((e) => e.phone === phone),
    },
  });
  const notifier = new ErpNotifier(sb);
  const portal = options.portalUrl.replace(/\/+$/, '');

  return {
    sb,
    domain,
    notifier,
    async createEnquiry(input) {
      const record = domain.createEnquiry(input);
      const notification = await notifier.notify('enquiry_created', record.id, record.phone, { name: record.customerName, reference: record.id });
      return { record, notification };
    },
    async createServiceRequest(input) {
      const record = domain.createServiceRequest(input);
      const trackingUrl = `${portal}/track/${encodeURIComponent(record.id)}`;
      const notification = await notifier.notify('service_created', record.id, record.phone, { name: record.customerName, ticket: record.id, product: record.product, trackingUrl });
      return { record, notification };
    },
    async assignEngineer(serviceId, engineerId) {
      const record = domain.assignEngineer(serviceId, engineerId);
      const engineer = domain.engineer(engineerId);
      // One record per assignment: a reassignment tells the customer the new name.
      const notification = await notifier.notify('engineer_assigned', `${record.id}/${engineer.id}`, record.phone, { name: record.customerName, engineer: engineer.name, ticket: record.id });
      return { record, notification };
    },
    async completeService(serviceId) {
      const record = domain.completeService(serviceId);
      const feedbackUrl = `${portal}/feedback/${encodeURIComponent(record.id)}`;
      const notification = await notifier.notify('service_completed', record.id, record.phone, { name: record.customerName, ticket: record.id, feedbackUrl });
      return { record, notification };
    },
    createOrder(input) {
      return domain.createOrder(input);
    },
    async deliveryFailed(orderId, reason) {
      const record = domain.deliveryFailed(orderId, reason);
      const { order, attempt } = record;
      const notification = await notifier.notify('delivery_failed', `${order.id}/${attempt.number}`, order.phone, { name: order.customerName, order: order.id, reason: attempt.failureReason ?? reason });
      return { record, notification };
    },
    async rescheduleDelivery(orderId, date) {
      const record = domain.rescheduleDelivery(orderId, date);
      const { order, attempt } = record;
      const notification = await notifier.notify('delivery_rescheduled', `${order.id}/${attempt.number}`, order.phone, { name: order.customerName, order: order.id, date: attempt.date });
      return { record, notification };
    },
  };
}

function phoneOption(phone: string, path: string, defaultCountry: string): string {
  try {
    return normalizePhone(phone, { defaultCountry });
  } catch {
    throw new ValidationError(`@switchboard/example-erp-notifications: option ${path} "${phone}" is not a valid phone number.`, [{ path, message: 'invalid phone' }]);
  }
}
