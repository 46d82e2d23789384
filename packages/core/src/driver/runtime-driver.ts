import { DriverError, LifecycleError, SwitchboardError } from '../errors.js';
import { errorForLog, type Logger } from '../logger.js';
import type { Driver, DriverCapabilities, DriverContext, MediaDownload, OutboundMessage, ProviderTemplateSnapshot, Recipient, SendResult } from './driver.js';

/**
 * Core's wrapper around a plugin driver: `start()` and `stop()` run once, nothing is sent
 * before start or after stop, every failure is a `DriverError` (a plain `Error` becomes
 * `driver_failure` with the original as `cause`), a send result without a provider id is
 * rejected, and sends/failures are logged without message content or secrets.
 */
export class RuntimeDriver {
  readonly channelId: string;
  readonly driver: Driver;
  readonly #logger: Logger;
  #startPromise: Promise<void> | undefined;
  #stopPromise: Promise<void> | undefined;

  constructor(channelId: string, driver: Driver, logger: Logger) {
    this.channelId = channelId;
    this.driver = driver;
    this.#logger = logger;
  }

  get kind(): string {
    return this.driver.kind;
  }

  get capabilities(): DriverCapabilities {
    return this.driver.capabilities;
  }

  get started(): boolean {
    return this.#startPromise !== undefined && this.#stopPromise === undefined;
  }

  start(ctx: DriverContext): Promise<void> {
    if (this.#stopPromise) return Promise.reject(new LifecycleError('stopped', `Channel "${this.channelId}" was stopped.`));
    this.#startPromise ??= this.driver.start(ctx).catch((error: unknown) => {
      this.#startPromise = undefined;
      throw this.#wrap('start', error);
    });
    return this.#startPromise;
  }

  stop(): Promise<void> {
    this.#stopPromise ??= (async () => {
      if (!this.#startPromise) return;
      await this.#startPromise.catch(() => undefined);
      try {
        await this.driver.stop();
      } catch (error) {
        this.#logger.error({ channel: this.channelId, err: errorForLog(error) }, 'driver stop failed');
      }
    })();
    return this.#stopPromise;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    await this.#ready('send');
    let result: SendResult;
    try {
      result = await this.driver.send(message);
    } catch (error) {
      const failure = this.#wrap('send', error);
      this.#logger.warn(
        { channel: this.channelId, reference: message.reference, code: failure.code, retryable: failure.retryable },
        'send failed',
      );
      throw failure;
    }
    if (!result || typeof result.providerMessageId !== 'string' || result.providerMessageId === '') {
      throw new DriverError('driver_failure', `The ${this.kind} driver accepted a send without returning a provider message id.`);
    }
    this.#logger.debug({ channel: this.channelId, reference: message.reference, providerMessageId: result.providerMessageId }, 'sent');
    return result;
  }

  async handleWebhook(request: Request): Promise<Response> {
    if (!this.driver.handleWebhook) {
      return new Response(`Channel "${this.channelId}" (${this.kind}) does not take webhooks.`, { status: 404 });
    }
    if (!this.started) return new Response('Channel is not running.', { status: 503 });
    try {
      return await this.driver.handleWebhook(request);
    } catch (error) {
      const failure = this.#wrap('handleWebhook', error);
      this.#logger.error({ channel: this.channelId, err: errorForLog(failure) }, 'webhook handling failed');
      return new Response('Webhook processing failed.', { status: 500 });
    }
  }

  async downloadMedia(providerRef: string): Promise<MediaDownload> {
    await this.#ready('downloadMedia');
    if (!this.driver.downloadMedia) {
      throw new DriverError('unsupported', `The ${this.kind} driver cannot download media.`);
    }
    try {
      return await this.driver.downloadMedia(providerRef);
    } catch (error) {
      throw this.#wrap('downloadMedia', error);
    }
  }

  async markRead(input: { providerMessageId: string; to: Recipient }): Promise<boolean> {
    await this.#ready('markRead');
    if (!this.driver.markRead) return false;
    try {
      await this.driver.markRead(input);
      return true;
    } catch (error) {
      throw this.#wrap('markRead', error);
    }
  }

  /** The provider's templates, or null when the driver cannot list them. */
  async listTemplates(): Promise<ProviderTemplateSnapshot[] | null> {
    await this.#ready('listTemplates');
    if (!this.driver.listTemplates) return null;
    try {
      return await this.driver.listTemplates();
    } catch (error) {
      throw this.#wrap('listTemplates', error);
    }
  }

  async #ready(operation: string): Promise<void> {
    if (this.#stopPromise) throw new LifecycleError('stopped', `Channel "${this.channelId}" was stopped; ${operation}() is not allowed.`);
    if (!this.#startPromise) throw new LifecycleError('not_started', `Channel "${this.channelId}" is not started.`);
    await this.#startPromise;
  }

  #wrap(operation: string, error: unknown): DriverError {
    if (error instanceof DriverError) return error;
    if (error instanceof SwitchboardError) {
      return new DriverError(error.code, error.message, { cause: error, details: error.details });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new DriverError('driver_failure', `The ${this.kind} driver failed in ${operation}(): ${message}`, {
      cause: error,
      details: { channelId: this.channelId, driver: this.kind, operation },
    });
  }
}
