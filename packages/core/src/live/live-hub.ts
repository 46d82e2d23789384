import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import { errorForLog, type Logger } from '../logger.js';
import type { RuntimeStore } from '../store/runtime-store.js';
import type { LiveEvent, LiveEventListener } from './live-event.js';
import { isLiveEventName, liveDataOf } from './live-summary.js';

/** `sb.live`: every shared event of this instance and of the others on the same store. */
export interface LiveEvents {
  /** This instance's id: the `origin` of the events it publishes. */
  readonly instanceId: string;
  /**
   * Receive every live event: this instance's directly, other instances' through the store
   * (when it can share events, e.g. Postgres). Returns a function that unsubscribes.
   *
   * An instance listens to the store only while it is started and has a subscriber, so an
   * instance without live views pays nothing for the others' events. A subscriber added after
   * `start()` gets other instances' events once `ready()` resolves.
   */
  subscribe(listener: LiveEventListener): () => void;
  /**
   * Resolves when other instances' events reach this instance's subscribers: at once when the
   * store cannot share events, nobody subscribed or the instance is not started; rejects when
   * the store's subscription failed (the next `subscribe` tries again).
   */
  ready(): Promise<void>;
}

/** Checks a host-given instance id, or makes one. */
export function resolveInstanceId(value: string | undefined): string {
  if (value === undefined) return `ins_${randomBytes(8).toString('hex')}`;
  if (typeof value !== 'string' || !/^[\w.:-]{1,64}$/.test(value)) {
    throw new ValidationError('@switchboard/core: option "instanceId" must be 1–64 letters, digits, _ . : or -.', [{ path: 'instanceId', message: 'invalid' }]);
  }
  return value;
}

/**
 * Turns core events into live events: delivers them to this instance's subscribers at once and
 * publishes them through the store (best-effort: a failed publish is logged, never thrown), and
 * delivers other instances' events from the store's subscription, skipping this instance's own.
 */
export class LiveHub implements LiveEvents {
  readonly instanceId: string;
  readonly #store: RuntimeStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #track: (work: Promise<unknown>) => void;
  readonly #listeners = new Set<LiveEventListener>();
  #started = false;
  /** The store subscription being made or made, resolving to its unsubscribe function (none when the store cannot share events). */
  #listening: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(deps: { store: RuntimeStore; clock: Clock; logger: Logger; instanceId: string; track: (work: Promise<unknown>) => void }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.instanceId = deps.instanceId;
    this.#track = deps.track;
  }

  subscribe(listener: LiveEventListener): () => void {
    if (typeof listener !== 'function') throw new ValidationError('sb.live.subscribe needs a listener function.', [{ path: 'listener', message: 'not a function' }]);
    this.#listeners.add(listener);
    if (this.#started) {
      this.#track(
        this.#listen().catch((error: unknown) => {
          this.#logger.warn({ err: errorForLog(error) }, 'live event subscribe failed');
        }),
      );
    }
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#unlisten();
    };
  }

  /**
   * The last subscriber left: stop the store subscription, so the store stops carrying the
   * others' events here (on Postgres, so publishers can skip notifying when nobody listens).
   * A later subscriber makes a new one.
   */
  #unlisten(): void {
    const listening = this.#listening;
    this.#listening = undefined;
    if (!listening) return;
    this.#track(
      listening
        .then(
          (unsubscribe) => unsubscribe?.(),
          () => undefined, // it never started: nothing to stop
        )
        .catch((error: unknown) => {
          this.#logger.warn({ err: errorForLog(error) }, 'live event unsubscribe failed');
        }),
    );
  }

  async ready(): Promise<void> {
    await this.#listening;
  }

  /** Called with every core event after local listeners ran; ignores events that are not shared. */
  publish(name: string, payload: unknown): void {
    if (!isLiveEventName(name)) return;
    let event: LiveEvent;
    try {
      event = { id: newId('evt'), name, origin: this.instanceId, at: this.#clock.now().toISOString(), data: liveDataOf(name, payload as never) } as LiveEvent;
    } catch (error) {
      this.#logger.error({ event: name, err: errorForLog(error) }, 'live event summary failed');
      return;
    }
    this.#deliver(event);
    if (!this.#store.publishEvent) return;
    this.#track(
      this.#store.publishEvent(event).catch((error: unknown) => {
        this.#logger.warn({ event: name, err: errorForLog(error) }, 'live event publish failed');
      }),
    );
  }

  /** Start receiving other instances' events, now if someone subscribed, else at the first subscription. */
  async start(): Promise<void> {
    this.#started = true;
    if (this.#listeners.size > 0) await this.#listen();
  }

  async stop(): Promise<void> {
    this.#started = false;
    this.#listeners.clear();
    const listening = this.#listening;
    this.#listening = undefined;
    const unsubscribe = await listening?.catch(() => undefined);
    if (!unsubscribe) return;
    try {
      await unsubscribe();
    } catch (error) {
      this.#logger.warn({ err: errorForLog(error) }, 'live event unsubscribe failed');
    }
  }

  /** The store subscription, made once (again after a failure); a no-op when the store cannot share events. */
  async #listen(): Promise<void> {
    const subscribe = this.#store.subscribeEvents?.bind(this.#store);
    if (!subscribe) return;
    if (!this.#listening) {
      // Only the current subscription delivers: one being stopped may still see an event that
      // the one replacing it delivers too.
      const listening: Promise<(() => Promise<void>) | undefined> = subscribe((event) => {
        if (this.#listening === listening && event.origin !== this.instanceId) this.#deliver(event);
      }).catch((error: unknown) => {
        if (this.#listening === listening) this.#listening = undefined;
        throw error;
      });
      this.#listening = listening;
    }
    await this.#listening;
  }

  #deliver(event: LiveEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error({ event: event.name, err: errorForLog(error) }, 'live event listener threw');
      }
    }
  }
}
