import { DriverError, errorForLog, type Clock, type ConnectionState, type ConnectionStateEvent, type Logger, type TimerHandle } from '@switchboard/core';
import type { WahaSessionApi, WahaSessionStatus } from './waha-session-api.js';
import type { ResolvedWahaOptions } from './waha-options.js';

/** What the driver knows about its session; `driver.state()` returns it. */
export interface WahaSessionState {
  /** Last WAHA status seen (`WORKING`, `SCAN_QR_CODE`, ...), or null before the first. */
  status: WahaSessionStatus | null;
  /** The connection state last reported to Switchboard. */
  connection: ConnectionState | null;
  /** Restarts tried since the session last reached WORKING. */
  restartAttempts: number;
  /** True once the restarts ran out: the device must be re-linked (logout, then scan a new QR). */
  relinkRequired: boolean;
}

/**
 * WAHA session status → Switchboard connection state. Passkey statuses (GOWS) wait for a person
 * to finish linking on the phone, like a QR without a code we can show: `disconnected`.
 */
export function connectionStateFor(status: WahaSessionStatus): ConnectionState {
  switch (status) {
    case 'STARTING':
      return 'starting';
    case 'SCAN_QR_CODE':
      return 'qr';
    case 'WORKING':
      return 'connected';
    case 'FAILED':
      return 'failed';
    case 'STOPPED':
      return 'stopped';
    default:
      return 'disconnected';
  }
}

interface MonitorDeps {
  api: WahaSessionApi;
  clock: Clock;
  logger: Logger;
  emit: (event: ConnectionStateEvent) => Promise<void>;
  recovery: ResolvedWahaOptions['recovery'];
  statusPollMs: number | null;
}

type Source = 'webhook' | 'poll' | 'start' | 'restart' | 'manual';

/**
 * Turns WAHA session statuses into `connection.state` events and keeps a FAILED session alive:
 * restart after `baseDelayMs`, doubling up to `maxDelayMs`, at most `attempts` times until the
 * session reaches WORKING again; then report that the device must be re-linked. Timers run on the
 * injected clock. A periodic status poll covers missed webhooks.
 */
export class SessionMonitor {
  readonly #deps: MonitorDeps;
  #status: WahaSessionStatus | null = null;
  #connection: ConnectionState | null = null;
  #lastAt = -Infinity;
  #attempts = 0;
  #relink = false;
  #restartTimer: TimerHandle | undefined;
  #pollTimer: TimerHandle | undefined;
  #stopped = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(deps: MonitorDeps) {
    this.#deps = deps;
  }

  state(): WahaSessionState {
    return { status: this.#status, connection: this.#connection, restartAttempts: this.#attempts, relinkRequired: this.#relink };
  }

  /**
   * Apply one status. `at` (ms) orders webhook deliveries: an older status than the last applied
   * one is dropped. Updates run one at a time.
   */
  report(status: WahaSessionStatus, source: Source, at?: number): Promise<void> {
    const run = this.#queue.then(() => this.#apply(status, source, at));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Report that WAHA could not be asked (network, auth), without a session status. */
  reportUnreachable(error: unknown): Promise<void> {
    const state: ConnectionState = error instanceof DriverError && error.code === 'auth_failed' ? 'unhealthy' : 'disconnected';
    const reason = error instanceof DriverError ? `${error.code}: ${error.message}` : 'WAHA unreachable';
    const run = this.#queue.then(async () => {
      if (this.#connection === state) return;
      await this.#emit(state, reason);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A person restarted, started or re-linked the session: forget past failures. */
  resetRecovery(): void {
    this.#attempts = 0;
    this.#relink = false;
    this.#clearRestart();
  }

  /** Poll the status every `statusPollMs`, running `check` (default: status → report). */
  startPolling(check?: () => Promise<void>): void {
    const interval = this.#deps.statusPollMs;
    if (interval === null || this.#stopped) return;
    const tick = async (): Promise<void> => {
      this.#pollTimer = undefined;
      if (this.#stopped) return;
      try {
        if (check) await check();
        else await this.report((await this.#deps.api.status()).status, 'poll');
      } catch (error) {
        this.#deps.logger.warn({ err: errorForLog(error) }, 'waha status poll failed');
        await this.reportUnreachable(error).catch(() => undefined);
      } finally {
        if (!this.#stopped) this.#pollTimer = this.#deps.clock.setTimeout(tick, interval);
      }
    };
    this.#pollTimer = this.#deps.clock.setTimeout(tick, interval);
  }

  stop(): void {
    this.#stopped = true;
    this.#clearRestart();
    if (this.#pollTimer) this.#deps.clock.clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  async #apply(status: WahaSessionStatus, source: Source, at: number | undefined): Promise<void> {
    if (this.#stopped) return;
    if (at !== undefined) {
      if (at < this.#lastAt) {
        this.#deps.logger.debug({ status, source }, 'waha: stale session status ignored');
        return;
      }
      this.#lastAt = at;
    }
    const previous = this.#status;
    this.#status = status;
    const state = connectionStateFor(status);
    const changed = state !== this.#connection;
    switch (status) {
      case 'WORKING':
        this.resetRecovery();
        if (changed) await this.#emit(state, status);
        return;
      case 'SCAN_QR_CODE':
        // WAHA re-sends SCAN_QR_CODE on every QR rotation: fetch the new one each time it says so.
        if (changed || source === 'webhook' || source === 'manual') await this.#emitQr();
        return;
      case 'FAILED':
        await this.#onFailed(previous);
        return;
      default:
        if (changed) await this.#emit(state, reasonFor(status));
    }
  }

  async #onFailed(previous: WahaSessionStatus | null): Promise<void> {
    const { attempts, baseDelayMs, maxDelayMs } = this.#deps.recovery;
    if (this.#restartTimer) return;
    if (this.#relink) {
      if (this.#connection !== 'failed' || previous !== 'FAILED') await this.#emit('failed', relinkReason(attempts));
      return;
    }
    if (this.#attempts >= attempts) {
      this.#relink = true;
      this.#deps.logger.error({ attempts }, 'waha session keeps failing: re-link needed');
      await this.#emit('failed', relinkReason(attempts));
      return;
    }
    const attempt = this.#attempts + 1;
    const delay = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
    this.#restartTimer = this.#deps.clock.setTimeout(() => this.#restart(attempt), delay);
    this.#deps.logger.warn({ attempt, attempts, delayMs: delay }, 'waha session FAILED: restart scheduled');
    await this.#emit('failed', `FAILED: restarting the session in ${formatMs(delay)} (attempt ${attempt}/${attempts})`);
  }

  async #restart(attempt: number): Promise<void> {
    this.#restartTimer = undefined;
    if (this.#stopped) return;
    this.#attempts = attempt;
    try {
      const info = await this.#deps.api.restart();
      this.#deps.logger.info({ attempt, status: info.status }, 'waha session restarted');
      await this.report(info.status, 'restart');
    } catch (error) {
      this.#deps.logger.warn({ attempt, err: errorForLog(error) }, 'waha session restart failed');
      await this.report('FAILED', 'restart');
    }
  }

  async #emitQr(): Promise<void> {
    const api = this.#deps.api;
    const [value, image] = await Promise.allSettled([api.qrValue(), api.qrImage()]);
    if (value.status === 'rejected') {
      this.#deps.logger.warn({ err: errorForLog(value.reason) }, 'waha: could not fetch the QR value');
      await this.#emit('qr', 'SCAN_QR_CODE (the QR could not be fetched; open the WAHA dashboard)');
      return;
    }
    if (image.status === 'rejected') this.#deps.logger.warn({ err: errorForLog(image.reason) }, 'waha: could not fetch the QR image');
    const qr = {
      value: value.value,
      ...(image.status === 'fulfilled' ? { imageDataUrl: `data:${image.value.mimetype};base64,${image.value.data}` } : {}),
    };
    await this.#emit('qr', 'SCAN_QR_CODE', qr);
  }

  async #emit(state: ConnectionState, reason: string, qr?: ConnectionStateEvent['qr']): Promise<void> {
    this.#connection = state;
    await this.#deps.emit({ type: 'connection.state', state, reason, ...(qr ? { qr } : {}), timestamp: this.#deps.clock.now() });
  }

  #clearRestart(): void {
    if (this.#restartTimer) this.#deps.clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
  }
}

function reasonFor(status: WahaSessionStatus): string {
  if (status === 'PASSKEY_REQUIRED') return 'PASSKEY_REQUIRED: finish linking with the passkey (WAHA dashboard or passkey API)';
  if (status === 'PASSKEY_CONFIRMATION_REQUIRED') return 'PASSKEY_CONFIRMATION_REQUIRED: confirm the pairing code on the phone';
  if (['STOPPED', 'STARTING'].includes(status)) return status;
  return `unknown WAHA session status ${status}`;
}

function relinkReason(attempts: number): string {
  return `FAILED after ${attempts} restart attempt(s): re-link needed (log the session out and scan a new QR)`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Number((ms / 1000).toFixed(1))}s`;
}
