import { ConflictError, SwitchboardError } from '@switchboard/core';

/** A record the ERP does not have (HTTP 404). */
export class RecordNotFoundError extends SwitchboardError {
  constructor(kind: string, id: string) {
    super('record_not_found', `No ${kind} with id "${id}".`, { details: { kind, id } });
    this.name = 'RecordNotFoundError';
  }
}

export interface Engineer {
  id: string;
  name: string;
  /** Staff phone: never sent a customer notification. */
  phone: string;
}

export interface Enquiry {
  id: string;
  customerName: string;
  phone: string;
  subject: string;
  createdAt: Date;
}

export interface ServiceRequest {
  id: string;
  customerName: string;
  phone: string;
  product: string;
  status: 'open' | 'assigned' | 'completed';
  engineerId: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** One try at delivering an order; a reschedule starts the next attempt. */
export interface DeliveryAttempt {
  number: number;
  /** Calendar date, `YYYY-MM-DD`. */
  date: string;
  status: 'scheduled' | 'failed';
  failureReason: string | null;
}

export interface Order {
  id: string;
  customerName: string;
  phone: string;
  deliveries: DeliveryAttempt[];
}

export interface NewEnquiry {
  /** The ERP's own number; generated when omitted. Creating the same id again returns the record. */
  id?: string;
  customerName: string;
  phone: string;
  subject: string;
}

export interface NewServiceRequest {
  id?: string;
  customerName: string;
  phone: string;
  product: string;
}

export interface NewOrder {
  id?: string;
  customerName: string;
  phone: string;
  deliveryDate: string;
}

/**
 * The ERP's records, in memory. Every change is idempotent: repeating it (an ERP retry, a double
 * click) returns the same record, so the notification layer can be called again safely.
 */
export class ErpDomain {
  readonly #enquiries = new Map<string, Enquiry>();
  readonly #services = new Map<string, ServiceRequest>();
  readonly #orders = new Map<string, Order>();
  readonly #engineers = new Map<string, Engineer>();
  readonly #now: () => Date;
  #seq = 1000;

  constructor(options: { engineers?: Engineer[]; now: () => Date }) {
    this.#now = options.now;
    for (const engineer of options.engineers ?? []) this.#engineers.set(engineer.id, { ...engineer });
  }

  engineers(): Engineer[] {
    return [...this.#engineers.values()].map((e) => ({ ...e }));
  }

  engineer(id: string): Engineer {
    return { ...found(this.#engineers.get(id), 'engineer', id) };
  }

  enquiry(id: string): Enquiry {
    return { ...found(this.#enquiries.get(id), 'enquiry', id) };
  }

  service(id: string): ServiceRequest {
    return { ...found(this.#services.get(id), 'service request', id) };
  }

  order(id: string): Order {
    const order = found(this.#orders.get(id), 'order', id);
    return { ...order, deliveries: order.deliveries.map((d) => ({ ...d })) };
  }

  createEnquiry(input: NewEnquiry): Enquiry {
    const { id = this.#nextId('ENQ'), ...fields } = input;
    const existing = this.#enquiries.get(id);
    if (existing) return sameOrConflict(existing, fields, 'enquiry');
    const enquiry: Enquiry = { id, ...fields, createdAt: this.#now() };
    this.#enquiries.set(id, enquiry);
    return { ...enquiry };
  }

  createServiceRequest(input: NewServiceRequest): ServiceRequest {
    const { id = this.#nextId('SR'), ...fields } = input;
    const existing = this.#services.get(id);
    if (existing) return sameOrConflict(existing, fields, 'service request');
    const service: ServiceRequest = { id, ...fields, status: 'open', engineerId: null, createdAt: this.#now(), completedAt: null };
    this.#services.set(id, service);
    return { ...service };
  }

  /** Assign (or reassign) an engineer. Assigning the one already assigned changes nothing. */
  assignEngineer(serviceId: string, engineerId: string): ServiceRequest {
    const service = found(this.#services.get(serviceId), 'service request', serviceId);
    this.engineer(engineerId);
    if (service.status === 'completed') throw new ConflictError(`Service request "${serviceId}" is completed; it cannot be reassigned.`, { serviceId });
    service.status = 'assigned';
    service.engineerId = engineerId;
    return { ...service };
  }

  completeService(serviceId: string): ServiceRequest {
    const service = found(this.#services.get(serviceId), 'service request', serviceId);
    if (service.status === 'open') throw new ConflictError(`Service request "${serviceId}" has no engineer yet.`, { serviceId });
    if (service.status !== 'completed') {
      service.status = 'completed';
      service.completedAt = this.#now();
    }
    return { ...service };
  }

  createOrder(input: NewOrder): Order {
    const { id = this.#nextId('ORD'), deliveryDate, ...fields } = input;
    const existing = this.#orders.get(id);
    if (existing) {
      sameOrConflict({ ...existing, deliveryDate: existing.deliveries[0]!.date }, { ...fields, deliveryDate }, 'order');
      return this.order(id);
    }
    this.#orders.set(id, { id, ...fields, deliveries: [{ number: 1, date: deliveryDate, status: 'scheduled', failureReason: null }] });
    return this.order(id);
  }

  /** The current delivery attempt failed. Reporting the same failure again changes nothing. */
  deliveryFailed(orderId: string, reason: string): { order: Order; attempt: DeliveryAttempt } {
    const order = found(this.#orders.get(orderId), 'order', orderId);
    const attempt = order.deliveries.at(-1)!;
    attempt.status = 'failed';
    attempt.failureReason ??= reason;
    return { order: this.order(orderId), attempt: { ...attempt } };
  }

  /**
   * Schedule the next attempt after a failure. Rescheduling to the date already scheduled
   * changes nothing; rescheduling a delivery that has not failed is refused.
   */
  rescheduleDelivery(orderId: string, date: string): { order: Order; attempt: DeliveryAttempt } {
    const order = found(this.#orders.get(orderId), 'order', orderId);
    const current = order.deliveries.at(-1)!;
    if (current.status === 'scheduled' && current.number > 1 && current.date === date) return { order: this.order(orderId), attempt: { ...current } };
    if (current.status !== 'failed') throw new ConflictError(`Order "${orderId}" delivery ${current.number} has not failed; nothing to reschedule.`, { orderId });
    const attempt: DeliveryAttempt = { number: current.number + 1, date, status: 'scheduled', failureReason: null };
    order.deliveries.push(attempt);
    return { order: this.order(orderId), attempt: { ...attempt } };
  }

  #nextId(prefix: string): string {
    return `${prefix}-${++this.#seq}`;
  }
}

function found<T>(record: T | undefined, kind: string, id: string): T {
  if (!record) throw new RecordNotFoundError(kind, id);
  return record;
}

function sameOrConflict<T extends object>(existing: T, fields: Partial<T>, kind: string): T {
  for (const [name, value] of Object.entries(fields)) {
    if ((existing as Record<string, unknown>)[name] !== value) {
      throw new ConflictError(`The ${kind} "${String((existing as { id?: unknown }).id)}" exists with a different ${name}.`, { field: name });
    }
  }
  return { ...existing };
}
