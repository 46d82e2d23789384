import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Driver, DriverContext, DriverEvent, MessageReceivedEvent, MessageStatusEvent } from '../driver/driver.js';
import type { DeliveryStatus } from '../domain/model.js';
import { DriverError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { ManualClock } from './manual-clock.js';
import { memoryChannelStorage } from './memory-channel-storage.js';

/**
 * What a driver package gives the contract: the driver under test wired to a fake provider
 * (msw, a local HTTP server, an injected client) that the harness can drive.
 */
export interface DriverHarness {
  driver: Driver;
  /**
   * Make the fake provider deliver a text from `from` (E.164) with provider id `id`, the way
   * the real provider would (a signed webhook into `driver.handleWebhook`, a library callback).
   * Resolves after the driver has handled it.
   */
  inbound(input: { id: string; from: string; text: string; name?: string }): Promise<void>;
  /** Make the fake provider report a delivery status for a message the driver sent. */
  status(input: { providerMessageId: string; status: DeliveryStatus; reference: string }): Promise<void>;
  /** What the fake provider received from the driver, in order: recipient phone (E.164) and text. */
  sent(): Promise<Array<{ to: string; text: string | null }>>;
  /** Make the provider refuse the next send, temporarily (rate limit, 5xx) or for good. */
  failNextSend(kind: 'retryable' | 'permanent'): void;
  /** For webhook drivers: a request with a missing or wrong signature/secret. */
  forgedWebhook?(): Request;
  /** Release servers, mocks, browsers. */
  close?(): Promise<void>;
}

export interface DriverContractOptions {
  /** A new harness for every test. */
  createHarness: () => DriverHarness | Promise<DriverHarness>;
}

const RECIPIENT = '+201001234567';

/**
 * The driver contract: every Driver package runs this suite (vitest) against its fake provider.
 */
export function runDriverContract(name: string, options: DriverContractOptions): void {
  describe(`driver contract: ${name}`, () => {
    let harness: DriverHarness;
    let events: DriverEvent[];
    let ctx: DriverContext;

    beforeEach(async () => {
      harness = await options.createHarness();
      events = [];
      ctx = {
        channelId: 'contract',
        emit: async (event) => {
          events.push(event);
        },
        logger: silentLogger,
        clock: new ManualClock(),
        storage: memoryChannelStorage(),
      };
      await harness.driver.start(ctx);
    });

    afterEach(async () => {
      await harness.driver.stop();
      await harness.close?.();
    });

    it('declares well-formed capabilities', () => {
      const caps = harness.driver.capabilities;
      expect(typeof harness.driver.kind).toBe('string');
      expect(harness.driver.kind.length).toBeGreaterThan(0);
      for (const flag of ['text', 'templates', 'interactive', 'reactions', 'location', 'readReceipts', 'qrLogin'] as const) {
        expect(typeof caps[flag]).toBe('boolean');
      }
      expect(Array.isArray(caps.media)).toBe(true);
      expect(caps.serviceWindowHours === null || (typeof caps.serviceWindowHours === 'number' && caps.serviceWindowHours > 0)).toBe(true);
      expect(caps.text).toBe(true);
    });

    it('sends a text and returns a distinct provider id per message', async () => {
      const first = await harness.driver.send({ reference: 'msg_contract_1', to: { phone: RECIPIENT, address: null }, content: { type: 'text', text: 'مرحبا 👋' } });
      const second = await harness.driver.send({ reference: 'msg_contract_2', to: { phone: RECIPIENT, address: null }, content: { type: 'text', text: 'second' } });
      expect(typeof first.providerMessageId).toBe('string');
      expect(first.providerMessageId.length).toBeGreaterThan(0);
      expect(second.providerMessageId).not.toBe(first.providerMessageId);
      const sent = await harness.sent();
      expect(sent.slice(-2)).toEqual([
        { to: RECIPIENT, text: 'مرحبا 👋' },
        { to: RECIPIENT, text: 'second' },
      ]);
    });

    it('reports a refused send as a DriverError that says whether to retry', async () => {
      harness.failNextSend('retryable');
      const retryable = await harness.driver.send({ reference: 'msg_r', to: { phone: RECIPIENT, address: null }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
      expect(retryable).toBeInstanceOf(DriverError);
      expect((retryable as DriverError).retryable).toBe(true);
      harness.failNextSend('permanent');
      const permanent = await harness.driver.send({ reference: 'msg_p', to: { phone: RECIPIENT, address: null }, content: { type: 'text', text: 'x' } }).catch((e: unknown) => e);
      expect(permanent).toBeInstanceOf(DriverError);
      expect((permanent as DriverError).retryable).toBe(false);
      expect(typeof (permanent as DriverError).code).toBe('string');
    });

    it('normalizes an inbound text into message.received', async () => {
      await harness.inbound({ id: 'contract-in-1', from: RECIPIENT, text: 'السلام عليكم', name: 'Ahmed' });
      const received = events.filter((e): e is MessageReceivedEvent => e.type === 'message.received');
      expect(received).toHaveLength(1);
      const [event] = received;
      expect(event?.providerMessageId).toBe('contract-in-1');
      expect(event?.from.phone).toBe(RECIPIENT);
      expect(typeof event?.from.address).toBe('string');
      expect(event?.content).toEqual({ type: 'text', text: 'السلام عليكم' });
      expect(event?.timestamp).toBeInstanceOf(Date);
    });

    it('normalizes a delivery receipt into message.status', async () => {
      const { providerMessageId } = await harness.driver.send({ reference: 'msg_contract_s', to: { phone: RECIPIENT, address: null }, content: { type: 'text', text: 'hi' } });
      await harness.status({ providerMessageId, status: 'delivered', reference: 'msg_contract_s' });
      const statuses = events.filter((e): e is MessageStatusEvent => e.type === 'message.status');
      expect(statuses).toHaveLength(1);
      expect(statuses[0]).toMatchObject({ providerMessageId, status: 'delivered' });
      expect(statuses[0]?.timestamp).toBeInstanceOf(Date);
    });

    it('rejects a forged webhook with a 4xx and emits nothing', async (testCtx) => {
      if (!harness.forgedWebhook || !harness.driver.handleWebhook) {
        testCtx.skip();
        return;
      }
      const before = events.length;
      const response = await harness.driver.handleWebhook(harness.forgedWebhook());
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(events.length).toBe(before);
    });
  });
}
