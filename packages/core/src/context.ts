import type { Clock } from './clock.js';
import type { RuntimeDriver } from './driver/runtime-driver.js';
import type { SwitchboardEvents } from './events.js';
import type { Logger } from './logger.js';
import type { RuntimeStore } from './store/runtime-store.js';

/** Emits a typed event; listener errors are contained by the implementation. */
export type Emit = <K extends keyof SwitchboardEvents>(name: K, payload: Parameters<SwitchboardEvents[K]>[0]) => void;

/** One configured channel. */
export interface Channel {
  id: string;
  driver: RuntimeDriver;
  /** Branch given to tickets opened on this channel. */
  branch: string | null;
  /** Business-hours calendar gating automatic assignment on this channel (null: always open). */
  calendarId: string | null;
}

/** What every core service shares. Internal. */
export interface CoreContext {
  store: RuntimeStore;
  clock: Clock;
  logger: Logger;
  emit: Emit;
  /** @throws UnknownChannelError */
  channel(channelId: string): Channel;
  /** Every configured channel id. */
  channelIds(): string[];
  defaultCountry: string | undefined;
}
