import { randomBytes } from 'node:crypto';
import type {
  ConnectionState,
  Driver,
  DriverCapabilities,
  DriverContext,
  MessageReceivedEvent,
  MessageStatusEvent,
  OutboundMessage,
  Recipient,
  SendResult,
} from '../driver/driver.js';
import type { MessageContent } from '../domain/message-content.js';
import type { DeliveryStatus, MessageError } from '../domain/model.js';
import { DriverError, LifecycleError } from '../errors.js';
import { normalizePhone } from '../phone/phone-number.js';

/** One message the simulated provider accepted. */
export interface SimulatedSend {
  providerMessageId: string;
  reference: string;
  to: Recipient;
  content: MessageContent;
  replyToProviderMessageId?: string;
  at: Date;
}

/** A customer message to play. `from` is a phone number (any format `normalizePhone` accepts). */
export interface SimulatedInbound {
  from: string;
  text?: string;
  content?: MessageContent;
  /** Provider message id; generated when omitted. Reuse it to simulate redelivery. */
  id?: string;
  name?: string;
  /** When the customer sent it (default: the clock's now). */
  at?: Date;
  replyToProviderMessageId?: string;
}

export interface SimulatorOptions {
  /** Override capabilities, e.g. `{ serviceWindowHours: 24 }` to behave like the Cloud API. */
  capabilities?: Partial<DriverCapabilities>;
}

const DEFAULT_CAPABILITIES: DriverCapabilities = {
  text: true,
  media: ['image', 'video', 'audio', 'voice', 'document', 'sticker'],
  templates: true,
  interactive: true,
  reactions: true,
  location: true,
  readReceipts: true,
  qrLogin: false,
  serviceWindowHours: null,
};

/**
 * A fake WhatsApp connection for tests and demos: your test plays the customer. Build inbound
 * messages, deliver them once, several times, concurrently or out of order; read what the
 * business sent; emit delivery and read receipts in any order; make sends fail.
 */
export class SimulatorDriver implements Driver {
  readonly kind = 'simulator';
  readonly capabilities: DriverCapabilities;
  /** Every message the simulated provider accepted, in order. */
  readonly sent: SimulatedSend[] = [];

  readonly #tag = randomBytes(3).toString('hex');
  #ctx: DriverContext | undefined;
  #inboundSeq = 0;
  #outboundSeq = 0;
  readonly #failures: DriverError[] = [];

  constructor(options: SimulatorOptions = {}) {
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  }

  async start(ctx: DriverContext): Promise<void> {
    this.#ctx = ctx;
    await ctx.emit({ type: 'connection.state', state: 'connected', timestamp: ctx.clock.now() });
  }

  async stop(): Promise<void> {
    this.#ctx = undefined;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const ctx = this.#context();
    const failure = this.#failures.shift();
    if (failure) throw failure;
    const providerMessageId = `sim-out-${this.#tag}-${++this.#outboundSeq}`;
    this.sent.push({
      providerMessageId,
      reference: message.reference,
      to: { ...message.to },
      content: structuredClone(message.content),
      ...(message.replyToProviderMessageId ? { replyToProviderMessageId: message.replyToProviderMessageId } : {}),
      at: ctx.clock.now(),
    });
    return { providerMessageId };
  }

  /** Build a customer message without delivering it (deliver it with `deliver`, as often as you like). */
  message(input: SimulatedInbound): MessageReceivedEvent {
    const phone = normalizePhone(input.from);
    const content: MessageContent | undefined = input.content ?? (input.text !== undefined ? { type: 'text', text: input.text } : undefined);
    if (!content) throw new TypeError('SimulatorDriver.message: give text or content');
    return {
      type: 'message.received',
      providerMessageId: input.id ?? `sim-in-${this.#tag}-${++this.#inboundSeq}`,
      from: { address: phone.slice(1), phone, ...(input.name ? { name: input.name } : {}) },
      content,
      timestamp: input.at ?? this.#context().clock.now(),
      ...(input.replyToProviderMessageId ? { replyToProviderMessageId: input.replyToProviderMessageId } : {}),
    };
  }

  /**
   * Deliver an event `times` times (default once). Concurrent by default, like a provider
   * retrying while the first delivery is still being processed.
   */
  async deliver(event: MessageReceivedEvent | MessageStatusEvent, options: { times?: number; concurrent?: boolean } = {}): Promise<void> {
    const ctx = this.#context();
    const times = options.times ?? 1;
    if (options.concurrent === false) {
      for (let i = 0; i < times; i++) await ctx.emit(structuredClone(event));
    } else {
      await Promise.all(Array.from({ length: times }, () => ctx.emit(structuredClone(event))));
    }
  }

  /** A customer sends a message; resolves once Switchboard stored it. Returns the provider id. */
  async receive(input: SimulatedInbound): Promise<string> {
    const event = this.message(input);
    await this.deliver(event);
    return event.providerMessageId;
  }

  /** The business sends a message from its phone app, outside Switchboard (the provider echoes it). */
  async sendFromPhone(input: { to: string; text: string; id?: string; at?: Date }): Promise<string> {
    const ctx = this.#context();
    const phone = normalizePhone(input.to);
    const providerMessageId = input.id ?? `sim-phone-${this.#tag}-${++this.#outboundSeq}`;
    await ctx.emit({
      type: 'message.echo',
      providerMessageId,
      to: { address: phone.slice(1), phone },
      content: { type: 'text', text: input.text },
      timestamp: input.at ?? ctx.clock.now(),
    });
    return providerMessageId;
  }

  /** Durable per-channel storage core gave this driver (for tests of driver state). */
  get storage(): DriverContext['storage'] {
    return this.#context().storage;
  }

  /** Build a delivery receipt for a message the business sent. */
  receiptEvent(providerMessageId: string, status: DeliveryStatus, extra: { reference?: string; error?: MessageError; at?: Date } = {}): MessageStatusEvent {
    return {
      type: 'message.status',
      providerMessageId,
      status,
      timestamp: extra.at ?? this.#context().clock.now(),
      ...(extra.reference ? { reference: extra.reference } : {}),
      ...(extra.error ? { error: extra.error } : status === 'failed' ? { error: { code: 'undeliverable', message: 'Simulated failure' } } : {}),
    };
  }

  /** Emit a delivery receipt now. */
  async receipt(providerMessageId: string, status: DeliveryStatus, extra: { reference?: string; error?: MessageError } = {}): Promise<void> {
    await this.deliver(this.receiptEvent(providerMessageId, status, extra));
  }

  /** Report a connection state (e.g. a QR to scan). */
  async setState(state: ConnectionState, qr?: { value: string; imageDataUrl?: string }): Promise<void> {
    const ctx = this.#context();
    await ctx.emit({ type: 'connection.state', state, ...(qr ? { qr } : {}), timestamp: ctx.clock.now() });
  }

  /** The next `times` sends fail with this error (default: a retryable rate limit). */
  failNextSend(error: DriverError = new DriverError('rate_limited', 'Simulated rate limit', { retryable: true }), times = 1): void {
    for (let i = 0; i < times; i++) this.#failures.push(error);
  }

  /** Messages sent to a phone number. */
  sentTo(phone: string): SimulatedSend[] {
    const e164 = normalizePhone(phone);
    return this.sent.filter((s) => s.to.phone === e164);
  }

  #context(): DriverContext {
    if (!this.#ctx) throw new LifecycleError('not_started', 'The simulator is not started (start the Switchboard first).');
    return this.#ctx;
  }
}

/** A fake WhatsApp connection where your test (or the demo phone) plays the customer. */
export function simulatorDriver(options: SimulatorOptions = {}): SimulatorDriver {
  return new SimulatorDriver(options);
}
